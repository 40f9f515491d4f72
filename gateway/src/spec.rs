//! Which clusters to connect to: every context of each kubeconfig file,
//! named so that names are unique and safe in URLs.

use std::collections::HashSet;
use std::path::Path;

use kube::config::Kubeconfig;

use crate::cluster::ClusterSpec;

/// A kubeconfig file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot read kubeconfig {path}: {reason}")]
pub struct KubeconfigFileError {
    pub path: String,
    pub reason: String,
}

/// One cluster per context of the kubeconfig at `path`.
pub fn from_kubeconfig_file(path: &Path) -> Result<Vec<ClusterSpec>, KubeconfigFileError> {
    let kubeconfig = Kubeconfig::read_from(path).map_err(|e| KubeconfigFileError {
        path: path.display().to_string(),
        reason: crate::watch::one_line(&e),
    })?;
    Ok(from_kubeconfig(&kubeconfig, &path.display().to_string()))
}

/// One cluster per context of `kubeconfig`; `origin` says where it came from.
pub fn from_kubeconfig(kubeconfig: &Kubeconfig, origin: &str) -> Vec<ClusterSpec> {
    kubeconfig
        .contexts
        .iter()
        .map(|context| ClusterSpec {
            name: url_name(&context.name),
            origin: format!("{origin} (context {})", context.name),
            kubeconfig: kubeconfig.clone(),
            context: context.name.clone(),
        })
        .collect()
}

/// Makes names unique by suffixing `-2`, `-3`, … to repeats.
pub fn dedupe(specs: &mut [ClusterSpec]) {
    let mut seen = HashSet::new();
    for spec in specs {
        let base = spec.name.clone();
        let mut n = 1;
        while !seen.insert(spec.name.clone()) {
            n += 1;
            spec.name = format!("{base}-{n}");
        }
    }
}

/// A context name as a URL segment: letters, digits, `-`, `_` and `.`,
/// anything else as `-`.
pub fn url_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .take(63)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        "cluster".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_names_become_url_safe_and_unique() {
        assert_eq!(
            url_name("arn:aws:eks:eu-west-1:123:cluster/prod"),
            "arn-aws-eks-eu-west-1-123-cluster-prod"
        );
        assert_eq!(url_name(".."), "cluster");
        let yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: {server: 'https://a'}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: x/y\n  context: {cluster: a, user: u}\n- name: x:y\n  context: {cluster: a, user: u}\n";
        let kubeconfig = Kubeconfig::from_yaml(yaml).unwrap();
        let mut specs = from_kubeconfig(&kubeconfig, "test");
        dedupe(&mut specs);
        let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["x-y", "x-y-2"]);
    }
}
