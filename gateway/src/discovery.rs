//! What a cluster serves: every listable kind, from the aggregated
//! discovery documents (two requests) or, where a cluster does not offer
//! them, the legacy per-group documents; plus the printer columns CRDs
//! declare, which discovery does not carry.

use std::collections::HashMap;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Client;
use kube::api::{Api, ListParams};
use kube::discovery::{ApiResource, Discovery, Scope};

use crate::kind::{KindInfo, KindKey, PrinterColumn};

/// The kinds a cluster serves and its version.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    pub kinds: Vec<KindInfo>,
    /// `v1.32.0`, as `/version` says.
    pub version: String,
}

impl Discovered {
    /// The kind a URL segment (`pods`, `deployments.apps`) names.
    pub fn by_slug(&self, slug: &str) -> Option<&KindInfo> {
        self.kinds.iter().find(|k| k.key.slug() == slug)
    }

    /// The kind of a `Kind` name in a group (owner references name kinds).
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<&KindInfo> {
        self.kinds
            .iter()
            .find(|k| k.kind == kind && k.key.group == group)
    }
}

/// Runs discovery against `client`.
pub async fn discover(client: &Client) -> Result<Discovered, kube::Error> {
    let version = client.apiserver_version().await?.git_version;
    let discovery = match Discovery::new(client.clone()).run_aggregated().await {
        Ok(discovery) => discovery,
        Err(err) => {
            tracing::debug!(error = %err, "aggregated discovery unavailable; using the legacy form");
            Discovery::new(client.clone()).run().await?
        }
    };
    let printer = printer_columns(client).await;
    let mut kinds = Vec::new();
    for group in discovery.groups() {
        // The preferred version only, as kubectl lists each kind once.
        for (resource, caps) in group.recommended_resources() {
            let mut info = kind_info(&resource, caps.scope == Scope::Namespaced, caps.operations);
            if let Some(columns) = printer.get(&info.key) {
                info.printer_columns = columns.clone();
            }
            kinds.push(info);
        }
    }
    kinds.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Discovered { kinds, version })
}

fn kind_info(resource: &ApiResource, namespaced: bool, verbs: Vec<String>) -> KindInfo {
    KindInfo {
        key: KindKey::new(&resource.group, &resource.version, &resource.plural),
        kind: resource.kind.clone(),
        namespaced,
        verbs,
        printer_columns: Vec::new(),
    }
}

/// The `kube::discovery::ApiResource` of a kind, to build an `Api` with.
pub fn api_resource(info: &KindInfo) -> ApiResource {
    let api_version = if info.key.group.is_empty() {
        info.key.version.clone()
    } else {
        format!("{}/{}", info.key.group, info.key.version)
    };
    ApiResource {
        group: info.key.group.clone(),
        version: info.key.version.clone(),
        api_version,
        kind: info.kind.clone(),
        plural: info.key.plural.clone(),
    }
}

/// Every CRD's printer columns, by kind key. A cluster that refuses the
/// list (no permission) simply shows no extra columns.
async fn printer_columns(client: &Client) -> HashMap<KindKey, Vec<PrinterColumn>> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let Ok(crds) = api.list(&ListParams::default()).await else {
        return HashMap::new();
    };
    let mut columns = HashMap::new();
    for crd in crds {
        let spec = crd.spec;
        for version in spec.versions {
            let printer: Vec<PrinterColumn> = version
                .additional_printer_columns
                .unwrap_or_default()
                .into_iter()
                .map(|c| PrinterColumn {
                    name: c.name,
                    json_path: c.json_path,
                    type_: c.type_,
                    priority: c.priority.unwrap_or(0),
                })
                .collect();
            let key = KindKey::new(&spec.group, &version.name, &spec.names.plural);
            columns.insert(key, printer);
        }
    }
    columns
}
