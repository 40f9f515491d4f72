//! The list of any kind: namespace choice, name filter, label selector,
//! sort by any column, server-side paging. Everything is in the URL's
//! query, so the page works without JavaScript (a GET form and links) and
//! can be shared; after hydration the rows follow the cluster live.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use gateway::query::SyncState;
use gateway::row::Row;

use super::{detail_path, list_path, loaded, param};
use crate::components::rows_table::RowsTable;
use crate::components::stream_notice::StreamNotice;
use crate::i18n::Key;
use crate::pages::section::Section;
use crate::server_fns::cluster::{ListView, list_rows};
use crate::tr;

/// What the URL asks the list for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListArgs {
    pub cluster: String,
    pub kind: String,
    pub namespace: String,
    pub filter: String,
    pub selector: String,
    pub sort: String,
    pub offset: usize,
}

impl ListArgs {
    /// The URL of this list with other parameters.
    pub fn href(&self, change: impl FnOnce(&mut ListArgs)) -> String {
        let mut next = self.clone();
        change(&mut next);
        let mut query = form_query(&[
            ("namespace", &next.namespace),
            ("filter", &next.filter),
            ("selector", &next.selector),
            ("sort", &next.sort),
        ]);
        if next.offset > 0 {
            query.push(format!("offset={}", next.offset));
        }
        let base = list_path(&next.cluster, &next.kind);
        if query.is_empty() {
            base
        } else {
            format!("{base}?{}", query.join("&"))
        }
    }

    /// The gateway query of these arguments.
    pub fn query(&self) -> gateway::query::ListQuery {
        gateway::query::ListQuery {
            namespace: (!self.namespace.is_empty()).then(|| self.namespace.clone()),
            filter: self.filter.clone(),
            selector: self.selector.clone(),
            sort: gateway::query::Sort::parse(&self.sort),
            offset: self.offset,
            limit: 0,
        }
    }
}

fn form_query(pairs: &[(&str, &String)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::encode(v)))
        .collect()
}

/// The list page of `/c/{cluster}/k/{kind}`.
#[component]
pub fn KindListPage() -> impl IntoView {
    let (cluster, kind) = (param("cluster"), param("kind"));
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        ListArgs {
            cluster: cluster(),
            kind: kind(),
            namespace: get("namespace"),
            filter: get("filter"),
            selector: get("selector"),
            sort: get("sort"),
            offset: get("offset").parse().unwrap_or(0),
        }
    };
    let data = Resource::new(args, |a| {
        list_rows(
            a.cluster,
            a.kind,
            a.namespace,
            a.filter,
            a.selector,
            a.sort,
            a.offset,
            0,
        )
    });
    view! {
        <section class="page list-page" data-testid="list-page">
            <SectionTabs />
            {loaded(data, move |view| view! { <ListBody view=view args=args() /> })}
        </section>
    }
}

/// The section's heading and a tab per kind it groups.
#[component]
fn SectionTabs() -> impl IntoView {
    let (cluster, kind) = (param("cluster"), param("kind"));
    let section = move || Section::of_kind(&kind());
    view! {
        <h1>{move || tr(section().title())()}</h1>
        <p class="lead">{move || tr(section().intro())()}</p>
        {move || {
            let kinds = section().kinds();
            (kinds.len() > 1)
                .then(|| {
                    view! {
                        <nav class="tabs" aria-label=tr(Key::Tabs)>
                            {kinds
                                .iter()
                                .map(|k| {
                                    let current = *k == kind();
                                    view! {
                                        <a
                                            href=list_path(&cluster(), k)
                                            class:active=current
                                            aria-current=current.then_some("page")
                                            data-kind=*k
                                        >
                                            {k.split('.').next().unwrap_or(k).to_owned()}
                                        </a>
                                    }
                                })
                                .collect_view()}
                        </nav>
                    }
                })
        }}
    }
}

/// The controls, the rows and the pager of a loaded list.
#[component]
fn ListBody(view: ListView, args: ListArgs) -> impl IntoView {
    let rows = RwSignal::new(view.rows.clone());
    let total = RwSignal::new(view.total);
    let sync = RwSignal::new(view.sync.clone());
    subscribe_live(&args, rows, total, sync);

    let namespaced = view.kind.namespaced;
    let path = use_location().pathname.get_untracked();
    let limit = view.limit;
    let offset = view.offset;
    let prev = (offset > 0).then(|| args.href(|a| a.offset = offset.saturating_sub(limit)));
    let next_args = args.clone();
    let next = move || {
        (offset + limit < total.get()).then(|| next_args.href(|a| a.offset = offset + limit))
    };
    let cluster = args.cluster.clone();
    let kind_slug = args.kind.clone();
    let link =
        move |row: &Row| detail_path(&cluster, &kind_slug, row.namespace.as_deref(), &row.name);
    view! {
        <form class="list-controls" method="get" action=path role="search">
            {namespaced
                .then(|| {
                    view! {
                        <label>
                            <span>{tr(Key::ListNamespace)}</span>
                            <select name="namespace" data-testid="namespace-select">
                                <option value="">{tr(Key::ListAllNamespaces)}</option>
                                {view
                                    .namespaces
                                    .iter()
                                    .map(|ns| {
                                        let selected = *ns == args.namespace;
                                        view! { <option value=ns.clone() selected=selected>{ns.clone()}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                    }
                })}
            <label>
                <span>{tr(Key::ListFilter)}</span>
                <input id="list-filter" type="search" name="filter" value=args.filter.clone() data-testid="list-filter" />
            </label>
            <label>
                <span>{tr(Key::ListSelector)}</span>
                <input type="text" name="selector" value=args.selector.clone() placeholder="app=web" data-testid="list-selector" />
            </label>
            <input type="hidden" name="sort" value=args.sort.clone() />
            <button type="submit" class="button">{tr(Key::ListApply)}</button>
        </form>
        <p class="list-status" data-testid="list-status">
            <span>{tr(Key::ListShowing)}</span>
            " "
            <span data-testid="list-range">
                {move || {
                    let shown = rows.with(Vec::len);
                    if shown == 0 { "0".to_owned() } else { format!("{}–{}", offset + 1, offset + shown) }
                }}
            </span>
            " "
            <span>{tr(Key::ListOf)}</span>
            " "
            <strong data-testid="list-total">{move || total.get()}</strong>
            <span class="kbd-hint">{tr(Key::ListKeyboardHint)}</span>
        </p>
        {move || match sync.get() {
            SyncState::Syncing => Some(view! { <p class="notice" data-testid="list-syncing">{tr(Key::Syncing)}</p> }.into_any()),
            SyncState::Retrying { error } => Some(
                view! {
                    <p class="notice warning" data-testid="list-retrying">
                        {tr(Key::RetryingWatch)} " " <code>{error}</code>
                    </p>
                }
                    .into_any(),
            ),
            SyncState::Synced => None,
        }}
        <StreamNotice />
        <RowsTable
            rows=rows
            columns=view.columns.clone()
            show_namespace=namespaced && args.namespace.is_empty()
            now_ms=view.now_ms
            link=link
            sort_href={
                let args = args.clone();
                move |column: &str| {
                    let current = gateway::query::Sort::parse(&args.sort);
                    let descending = current.column == column && !current.descending;
                    let sort = if descending { format!("-{column}") } else { column.to_owned() };
                    args.href(|a| {
                        a.sort = sort;
                        a.offset = 0;
                    })
                }
            }
            sort=gateway::query::Sort::parse(&args.sort)
        />
        <nav class="pager" aria-label="pager">
            {prev.map(|href| view! { <a href=href rel="prev" data-testid="page-prev">{tr(Key::ListPrevious)}</a> })}
            {move || next().map(|href| view! { <a href=href rel="next" data-testid="page-next">{tr(Key::ListNext)}</a> })}
        </nav>
    }
}

/// After hydration: follows the page live through the tab's stream.
#[allow(unused_variables)]
fn subscribe_live(
    args: &ListArgs,
    rows: RwSignal<Vec<Row>>,
    total: RwSignal<usize>,
    sync: RwSignal<SyncState>,
) {
    #[cfg(feature = "hydrate")]
    {
        use crate::live::client;
        use crate::live::protocol::{ClientMessage, ServerMessage};
        let (cluster, kind, query) = (args.cluster.clone(), args.kind.clone(), args.query());
        let id = client::subscribe(
            move |id| ClientMessage::List {
                id,
                cluster,
                kind,
                query,
            },
            move |message| {
                if let ServerMessage::Page { diff, .. } = message {
                    rows.update(|rows| gateway::diff::apply(rows, &diff));
                    total.set(diff.total);
                    sync.set(diff.sync);
                }
            },
        );
        on_cleanup(move || client::unsubscribe(&id));
    }
}
