//! The home page: straight to the first cluster's Overview; without any
//! cluster, a word on how to add one.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::i18n::Key;
use crate::pages::cluster::overview_path;
use crate::server_fns::cluster::list_clusters;
use crate::tr;

/// `/`.
#[component]
pub fn HomePage() -> impl IntoView {
    let clusters = Resource::new(|| (), |_| list_clusters());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match clusters.await.ok().and_then(|c| c.into_iter().next()) {
                    Some(first) => view! { <Redirect path=overview_path(&first.name) /> }.into_any(),
                    None => view! {
                        <section class="page home" data-testid="home">
                            <h1>{tr(Key::HomeTitle)}</h1>
                            <p class="lead">{tr(Key::HomeIntro)}</p>
                            <p class="notice">{tr(Key::NoClusters)}</p>
                        </section>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}
