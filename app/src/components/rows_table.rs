//! The table of a list page: one row per object, keyed by uid and
//! resourceVersion so a live change replaces only its own row (scroll
//! position and focus stay), with sortable column headers as links.

use leptos::prelude::*;

use gateway::query::Sort;
use gateway::row::{Cell, Column, Row};

use crate::components::age::age;
use crate::i18n::{Key, Locale, column_key};
use crate::tr;

/// The title of a column in the current language.
fn column_title(column: &Column, locale: Locale) -> String {
    match (column_key(&column.id), &column.title) {
        (_, Some(title)) => title.clone(),
        (Some(key), None) => locale.t(key).to_owned(),
        (None, None) => column.id.clone(),
    }
}

/// What a cell shows: an age for time cells, a count with the time since
/// it last grew (`3 (5m ago)`) where the cell says when, else its text.
fn cell_text(cell: &Cell, now_ms: i64, locale: Locale) -> String {
    match (cell.since, cell.ago) {
        (Some(since), _) => age(now_ms, Some(since)),
        (None, Some(at)) => locale
            .t(Key::CountAgo)
            .replace("{count}", &cell.text)
            .replace("{age}", &age(now_ms, Some(at))),
        (None, None) => cell.text.clone(),
    }
}

/// A sortable list of rows.
#[component]
pub fn RowsTable<L, S>(
    rows: RwSignal<Vec<Row>>,
    columns: Vec<Column>,
    show_namespace: bool,
    now_ms: i64,
    link: L,
    sort_href: S,
    sort: Sort,
) -> impl IntoView
where
    L: Fn(&Row) -> String + Clone + Send + Sync + 'static,
    S: Fn(&str) -> String + Clone + Send + Sync + 'static,
{
    let locale = expect_context::<RwSignal<Locale>>();
    let header = {
        let sort_href = sort_href.clone();
        let sort = sort.clone();
        move |id: String, title: Box<dyn Fn() -> String + Send + Sync>| {
            let active = sort.column == id;
            let arrow = if !active {
                ""
            } else if sort.descending {
                " ▼"
            } else {
                " ▲"
            };
            let aria = active.then_some(if sort.descending {
                "descending"
            } else {
                "ascending"
            });
            view! {
                <th scope="col" aria-sort=aria data-column=id.clone()>
                    <a href=sort_href(&id)>{title} {arrow}</a>
                </th>
            }
        }
    };
    let cell_columns = columns.clone();
    view! {
        <div class="table-wrap">
            <table class="rows-table" data-testid="rows-table">
                <thead>
                    <tr>
                        {header("name".into(), Box::new(move || tr(Key::ColName)().to_owned()))}
                        {show_namespace.then(|| header("namespace".into(), Box::new(move || tr(Key::ColNamespace)().to_owned())))}
                        {cell_columns
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let c = c.clone();
                                header(format!("cell:{i}"), Box::new(move || column_title(&c, locale.get())))
                            })
                            .collect_view()}
                        {header("age".into(), Box::new(move || tr(Key::ColAge)().to_owned()))}
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|row| (row.uid.clone(), row.resource_version.clone(), row.name.clone())
                        children=move |row| {
                            let href = link(&row);
                            let health = format!("{:?}", row.health).to_lowercase();
                            let count = columns.len();
                            view! {
                                <tr data-health=health data-name=row.name.clone() data-namespace=row.namespace.clone().unwrap_or_default()>
                                    <td class="name">
                                        <a class="row-link" href=href>{row.name.clone()}</a>
                                    </td>
                                    {show_namespace.then(|| view! { <td>{row.namespace.clone().unwrap_or_default()}</td> })}
                                    {(0..count)
                                        .map(|i| {
                                            let text = row
                                                .cells
                                                .get(i)
                                                .map(|c| cell_text(c, now_ms, locale.get_untracked()))
                                                .unwrap_or_default();
                                            view! { <td>{text}</td> }
                                        })
                                        .collect_view()}
                                    <td class="age">{age(now_ms, row.created)}</td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
            {move || rows.with(Vec::is_empty).then(|| view! { <p class="empty-state" data-testid="list-empty">{tr(Key::ListEmpty)}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_read_with_the_time_since_the_last_in_both_languages() {
        let cell = Cell {
            ago: Some(1_000),
            ..Cell::number(3.0, "3")
        };
        assert_eq!(cell_text(&cell, 1_300_000, Locale::En), "3 (5m ago)");
        assert_eq!(cell_text(&cell, 1_300_000, Locale::ZhCn), "3（5m前）");
        assert_eq!(
            cell_text(&Cell::number(0.0, "0"), 1_300_000, Locale::En),
            "0"
        );
    }
}
