//! The left navigation: one entry per section, pointing into the current
//! cluster (the one in the URL, else the first).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::pages::section::Section;
use crate::tr;

/// Links to every section; the current one is marked by the router.
#[component]
pub fn SideNav(current: Signal<Option<String>>) -> impl IntoView {
    view! {
        <nav class="sidenav" aria-label=tr(crate::i18n::Key::NavLabel)>
            <ul>
                {move || {
                    let cluster = current.get().unwrap_or_default();
                    Section::ALL
                        .into_iter()
                        .filter(|s| !cluster.is_empty() || matches!(s, Section::Access | Section::Audit))
                        .map(|section| {
                            view! {
                                <li>
                                    <A href=section.path(&cluster) attr:data-section=section.slug()>
                                        {tr(section.title())}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </nav>
    }
}
