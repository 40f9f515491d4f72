//! The left navigation: one entry per section of the product.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::pages::section::Section;
use crate::tr;

/// Links to every section; the current one is marked by the router.
#[component]
pub fn SideNav() -> impl IntoView {
    view! {
        <nav class="sidenav" aria-label=tr(crate::i18n::Key::NavLabel)>
            <ul>
                {Section::ALL
                    .into_iter()
                    .map(|section| {
                        view! {
                            <li>
                                <A href=section.path() attr:data-section=section.slug()>
                                    {tr(section.title())}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
