//! The inside of a pod, as a teacher draws it: init containers first and
//! in order, then the app containers, each with its state; the volumes
//! they share and where each container mounts them; the one address all
//! containers share, and the node the pod runs on.

use leptos::prelude::*;
use serde_json::Value;

use super::detail_path;
use crate::i18n::Key;
use crate::tr;

/// One container as the anatomy shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerView {
    pub name: String,
    pub image: String,
    /// `running`, `waiting: PodInitializing`, `terminated: Completed (0)`.
    pub state: String,
    pub restarts: i64,
    /// (volume, mount path).
    pub mounts: Vec<(String, String)>,
    pub ports: Vec<String>,
}

/// The containers of `pod` (`initContainers` or `containers`) with their
/// statuses (`initContainerStatuses` or `containerStatuses`).
pub fn containers(pod: &Value, spec_field: &str, status_field: &str) -> Vec<ContainerView> {
    let statuses = pod["status"][status_field]
        .as_array()
        .cloned()
        .unwrap_or_default();
    pod["spec"][spec_field]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    let name = c["name"].as_str().unwrap_or_default().to_owned();
                    let status = statuses.iter().find(|s| s["name"] == c["name"]);
                    ContainerView {
                        image: c["image"].as_str().unwrap_or_default().to_owned(),
                        state: status
                            .map(|s| state_text(&s["state"]))
                            .unwrap_or_else(|| "waiting".into()),
                        restarts: status.and_then(|s| s["restartCount"].as_i64()).unwrap_or(0),
                        mounts: c["volumeMounts"]
                            .as_array()
                            .map(|m| {
                                m.iter()
                                    .map(|m| {
                                        (
                                            m["name"].as_str().unwrap_or_default().to_owned(),
                                            m["mountPath"].as_str().unwrap_or_default().to_owned(),
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                        ports: c["ports"]
                            .as_array()
                            .map(|p| {
                                p.iter()
                                    .map(|p| {
                                        format!(
                                            "{}/{}",
                                            p["containerPort"],
                                            p["protocol"].as_str().unwrap_or("TCP")
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                        name,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A container state in a few words.
fn state_text(state: &Value) -> String {
    if state.get("running").is_some() {
        return "running".into();
    }
    if let Some(waiting) = state.get("waiting") {
        return match waiting["reason"].as_str() {
            Some(reason) => format!("waiting: {reason}"),
            None => "waiting".into(),
        };
    }
    if let Some(done) = state.get("terminated") {
        let reason = done["reason"].as_str().unwrap_or("Terminated");
        return format!(
            "terminated: {reason} ({})",
            done["exitCode"].as_i64().unwrap_or(0)
        );
    }
    "waiting".into()
}

/// The anatomy panel of a pod's detail page.
#[component]
pub fn PodAnatomy(pod: Value, cluster: String) -> impl IntoView {
    let init = containers(&pod, "initContainers", "initContainerStatuses");
    let app = containers(&pod, "containers", "containerStatuses");
    let ip = pod["status"]["podIP"].as_str().unwrap_or("-").to_owned();
    let node = pod["spec"]["nodeName"].as_str().map(str::to_owned);
    let volumes: Vec<String> = pod["spec"]["volumes"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|v| v["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    view! {
        <section class="panel pod-anatomy" data-testid="pod-anatomy">
            <dl class="pod-facts">
                <dt>{tr(Key::DetailPodIp)}</dt>
                <dd data-testid="pod-ip">{ip}</dd>
                <dt>{tr(Key::DetailNode)}</dt>
                <dd data-testid="pod-node">
                    {node.map(|n| view! { <a href=detail_path(&cluster, "nodes", None, &n)>{n.clone()}</a> })}
                </dd>
            </dl>
            {(!init.is_empty()).then(|| view! {
                <h3>{tr(Key::DetailInitContainers)}</h3>
                <ContainerList containers=init kind="init" />
            })}
            <h3>{tr(Key::DetailContainers)}</h3>
            <ContainerList containers=app kind="app" />
            {(!volumes.is_empty()).then(|| view! {
                <h3>{tr(Key::DetailVolumes)}</h3>
                <ul class="volumes" data-testid="pod-volumes">
                    {volumes.into_iter().map(|v| view! { <li>{v}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn ContainerList(containers: Vec<ContainerView>, kind: &'static str) -> impl IntoView {
    view! {
        <ol class="containers" data-kind=kind>
            {containers
                .into_iter()
                .map(|c| {
                    let state_class = c.state.split(':').next().unwrap_or_default().to_owned();
                    view! {
                        <li class="container" data-container=c.name.clone() data-state=state_class>
                            <strong>{c.name.clone()}</strong>
                            " "
                            <span class="container-state" data-testid="container-state">{c.state.clone()}</span>
                            <dl>
                                <dt>{tr(Key::DetailContainerImage)}</dt>
                                <dd>{c.image.clone()}</dd>
                                <dt>{tr(Key::DetailContainerRestarts)}</dt>
                                <dd>{c.restarts}</dd>
                                {(!c.mounts.is_empty()).then(|| view! {
                                    <dt>{tr(Key::DetailMounts)}</dt>
                                    <dd>
                                        {c.mounts.iter().map(|(v, p)| format!("{v} → {p}")).collect::<Vec<_>>().join(", ")}
                                    </dd>
                                })}
                            </dl>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
