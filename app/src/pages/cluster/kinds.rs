//! Every kind the cluster serves, custom resources included, each a link
//! to its list (the generic list for kinds without a page of their own).

use leptos::prelude::*;

use super::{list_path, loaded, param};
use crate::i18n::Key;
use crate::server_fns::cluster::cluster_kinds;
use crate::tr;

/// `/c/{cluster}/kinds`.
#[component]
pub fn KindsPage() -> impl IntoView {
    let cluster = param("cluster");
    let data = Resource::new(cluster, cluster_kinds);
    view! {
        <section class="page" data-testid="kinds-page">
            <h1>{tr(Key::NavResources)}</h1>
            <p class="lead">{tr(Key::ResourcesIntro)}</p>
            {loaded(data, move |kinds| {
                let cluster = cluster();
                view! {
                    <ul class="kind-list">
                        {kinds
                            .into_iter()
                            .map(|k| {
                                let slug = k.key.slug();
                                view! {
                                    <li data-kind=slug.clone()>
                                        <a href=list_path(&cluster, &slug)>{k.kind.clone()}</a>
                                        " "
                                        <small>{slug.clone()}</small>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}
