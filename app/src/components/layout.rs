//! The frame of every signed-in page: header on top, navigation on the
//! left, the page itself in the middle; and the keyboard shortcuts of the
//! lists (`/` to filter, arrows to move through rows, Enter to open).

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use super::{header::AppHeader, nav::SideNav};
use crate::i18n::Key;
use crate::server_fns::cluster::list_clusters;
use crate::tr;

/// The cluster a path names (`/c/{cluster}/…`).
pub fn cluster_of_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/c/")?;
    let name = rest.split('/').next().filter(|n| !n.is_empty())?;
    Some(percent_decode(name))
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&segment[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Header, navigation and the routed page.
#[component]
pub fn AppLayout() -> impl IntoView {
    let clusters = Resource::new(|| (), |_| list_clusters());
    let location = use_location();
    let from_url = Signal::derive(move || cluster_of_path(&location.pathname.get()));
    keyboard_shortcuts();
    view! {
        <a class="skip-link" href="#main">{tr(Key::SkipToContent)}</a>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = clusters.await.unwrap_or_default();
                let first = list.first().map(|c| c.name.clone());
                let current = Signal::derive(move || from_url.get().or_else(|| first.clone()));
                view! { <AppHeader clusters=list current=current /> }
            })}
        </Transition>
        <div class="frame">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = clusters.await.unwrap_or_default();
                    let first = list.first().map(|c| c.name.clone());
                    let current = Signal::derive(move || from_url.get().or_else(|| first.clone()));
                    view! { <SideNav current=current /> }
                })}
            </Transition>
            <main id="main" class="content" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

/// `/` focuses the list filter; ↑/↓ move between the rows' links.
fn keyboard_shortcuts() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, |event| {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let typing = document
                .active_element()
                .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
                .unwrap_or(false);
            let key = event.key();
            if key == "/" && !typing {
                if let Some(input) = document
                    .get_element_by_id("list-filter")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    event.prevent_default();
                    let _ = input.focus();
                }
                return;
            }
            if typing || (key != "ArrowDown" && key != "ArrowUp") {
                return;
            }
            let Ok(links) = document.query_selector_all(".rows-table a.row-link") else {
                return;
            };
            let links: Vec<web_sys::HtmlElement> = (0..links.length())
                .filter_map(|i| links.item(i))
                .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                .collect();
            if links.is_empty() {
                return;
            }
            let active = document.active_element();
            let at = links.iter().position(|l| {
                active
                    .as_ref()
                    .is_some_and(|a| a == l.unchecked_ref::<web_sys::Element>())
            });
            let next = match (at, key.as_str()) {
                (None, _) => 0,
                (Some(i), "ArrowDown") => (i + 1).min(links.len() - 1),
                (Some(i), _) => i.saturating_sub(1),
            };
            event.prevent_default();
            let _ = links[next].focus();
        });
        // The listener lives as long as the tab.
        std::mem::forget(handle);
    }
}
