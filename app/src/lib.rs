//! The Pilothouse web UI: the page shell, the router, the pages and the
//! server functions they call. Built twice: with `ssr` into the server, and
//! with `hydrate` into the WebAssembly that makes the pages interactive.

#![recursion_limit = "256"]

pub mod components;
#[cfg(feature = "ssr")]
pub mod diagram_svg;
pub mod i18n;
pub mod live;
pub mod pages;
pub mod server_fns;
pub mod session;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use crate::components::layout::AppLayout;
use crate::i18n::Locale;
use crate::pages::cluster::{
    detail::ObjectPage, kinds::KindsPage, list::KindListPage, overview::OverviewPage,
    topology::TopologyPage,
};
use crate::pages::{
    account_password::PasswordPage, home::HomePage, login::LoginPage, not_found::NotFound,
    section::Section, section::SectionPage,
};
use crate::session::{Theme, current_session};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let lang = ssr::set_document_headers();
    #[cfg(not(feature = "ssr"))]
    let lang = "en";
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: reads the session once, provides the locale and the
/// theme as signals, and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let session = current_session();
    let locale = RwSignal::new(session.locale);
    let theme = RwSignal::new(session.theme);
    provide_context(locale);
    provide_context(theme);
    provide_context(session.user.clone());

    // Cluster pages render with their data (`SsrMode::Async`), so they are
    // whole without JavaScript; hydration then makes them live.
    // Set once the WebAssembly has taken over the page; browser tests wait for it.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    // The server reads the title's language once, here, inside the
    // request's reactive arena: leptos_meta renders the title later while
    // streaming the head, possibly on another worker thread where no arena
    // is active, and a signal read there panics (seen over HTTP/2). The
    // browser keeps the title following the language.
    #[cfg(feature = "ssr")]
    let app_name = {
        let name = locale.get_untracked().t(i18n::Key::AppName);
        move || name
    };
    #[cfg(not(feature = "ssr"))]
    let app_name = move || locale.get().t(i18n::Key::AppName);

    view! {
        <Stylesheet id="leptos" href="/pkg/pilothouse.css" />
        <Title text=app_name />
        <div
            id="app"
            class="app"
            lang=move || locale.get().tag()
            data-theme=move || theme.get().as_str()
            data-hydrated=move || hydrated.get().then_some("true")
        >
            <Router>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=StaticSegment("login") view=LoginPage />
                    <ParentRoute path=StaticSegment("") view=AppLayout>
                        <Route path=StaticSegment("") view=HomePage />
                        <Route path=(StaticSegment("account"), StaticSegment("password")) view=PasswordPage />
                        <Route path=path!("/c/:cluster/overview") view=OverviewPage ssr=SsrMode::Async />
                        <Route path=path!("/c/:cluster/topology") view=TopologyPage ssr=SsrMode::Async />
                        <Route path=path!("/c/:cluster/kinds") view=KindsPage ssr=SsrMode::Async />
                        <Route path=path!("/c/:cluster/k/:kind") view=KindListPage ssr=SsrMode::Async />
                        <Route path=path!("/c/:cluster/k/:kind/:namespace/:name") view=ObjectPage ssr=SsrMode::Async />
                        <Route path=StaticSegment("access") view=|| view! { <SectionPage section=Section::Access /> } />
                        <Route path=StaticSegment("audit") view=|| view! { <SectionPage section=Section::Audit /> } />
                    </ParentRoute>
                </Routes>
            </Router>
        </div>
    }
}

/// The text of `key` in the current locale, as a reactive closure for views.
pub fn tr(key: i18n::Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = expect_context::<RwSignal<Locale>>();
    move || locale.get().t(key)
}

/// The theme signal provided by [`App`].
pub fn use_theme() -> RwSignal<Theme> {
    expect_context::<RwSignal<Theme>>()
}

/// Entry point of the WebAssembly build: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
