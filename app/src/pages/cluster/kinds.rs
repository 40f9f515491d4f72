//! Every kind the cluster serves, custom resources included, each a link
//! to its list (the generic list for kinds without a page of their own).

use leptos::prelude::*;

use super::{LoadError, list_path, param};
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
            <Transition fallback=|| view! { <p class="loading">{tr(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(kinds) => {
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
                                .into_any()
                        }
                        Err(err) => view! { <LoadError message=err.to_string() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
