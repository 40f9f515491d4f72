//! The words a diagram shows, in English and Simplified Chinese.
//!
//! Every fixed string drawn on a diagram comes from [`Term`], so that both
//! languages stay complete: a new term does not compile until it has both.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// Language of the labels a diagram shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (`zh-CN`), the language of the seed document.
    ZhCn,
}

impl Lang {
    /// BCP 47 tag, as used by `--lang` and the SVG `xml:lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

impl FromStr for Lang {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh_cn" => Ok(Lang::ZhCn),
            _ => Err(Error::UnknownLang(s.to_string())),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A fixed phrase shown on diagrams. Variants are named after their English
/// text; [`Term::text`] holds both languages in one table.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Term {
    Master,
    Worker,
    Host,
    Cluster,
    ControlPlane,
    ManagedControlPlane,
    Etcd,
    ApiServer,
    ControllerManager,
    Scheduler,
    Kubelet,
    KubeProxy,
    ReportsTo,
    NodePool,
    Nodes,
    Ready,
    Pods,
    MoreNodes,
    OtherNamespaces,
    Pod,
    Container,
    InitContainer,
    DiskAndDirectory,
    NetworkAddress,
    Mounts,
    Listens,
    Runs,
    Before,
    Service,
    Ingress,
    EndpointSlice,
    Endpoints,
    NoMatchingPods,
    RoutesTo,
    Selects,
    Owns,
    Revision,
    Namespace,
    TopologyTitle,
    PodTitle,
    ServiceTitle,
    OwnershipTitle,
    Aggregated,
    Expanded,
    NotReady,
    Cordoned,
}

impl Term {
    /// The phrase in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Term::Master => ("k8s master", "k8s master"),
            Term::Worker => ("k8s worker", "k8s worker"),
            Term::Host => ("host", "主机"),
            Term::Cluster => ("cluster", "集群"),
            Term::ControlPlane => ("control plane", "控制平面"),
            Term::ManagedControlPlane => ("managed control plane", "托管控制平面"),
            Term::Etcd => ("etcd", "etcd"),
            Term::ApiServer => ("api server", "api server"),
            Term::ControllerManager => ("controller manager", "controller manager"),
            Term::Scheduler => ("scheduler", "scheduler"),
            Term::Kubelet => ("kubelet", "kubelet"),
            Term::KubeProxy => ("kube-proxy", "kube-proxy"),
            Term::ReportsTo => (
                "kubelet reports to api server",
                "kubelet 向 api server 汇报",
            ),
            Term::NodePool => ("node pool", "节点池"),
            Term::Nodes => ("nodes", "个节点"),
            Term::Ready => ("ready", "就绪"),
            Term::Pods => ("pods", "个 pod"),
            Term::MoreNodes => ("more nodes", "个其他节点"),
            Term::OtherNamespaces => ("other namespaces", "其他命名空间"),
            Term::Pod => ("pod", "pod"),
            Term::Container => ("container", "容器"),
            Term::InitContainer => ("init container", "init 容器"),
            Term::DiskAndDirectory => ("disk and directory", "磁盘和目录"),
            Term::NetworkAddress => ("network address and ports", "网络地址和端口"),
            Term::Mounts => ("mounts", "挂载"),
            Term::Listens => ("listens", "监听"),
            Term::Runs => ("runs", "运行"),
            Term::Before => ("runs before", "先于"),
            Term::Service => ("Service", "Service 服务"),
            Term::Ingress => ("Ingress", "Ingress 入口"),
            Term::EndpointSlice => ("EndpointSlice", "EndpointSlice 端点分片"),
            Term::Endpoints => ("endpoints", "个端点"),
            Term::NoMatchingPods => ("selector matches no pod", "选择器没有匹配到 pod"),
            Term::RoutesTo => ("routes to", "转发到"),
            Term::Selects => ("selects", "选择"),
            Term::Owns => ("owns", "管理"),
            Term::Revision => ("revision", "版本"),
            Term::Namespace => ("namespace", "命名空间"),
            Term::TopologyTitle => ("Cluster topology", "集群拓扑"),
            Term::PodTitle => ("Pod anatomy", "pod 结构"),
            Term::ServiceTitle => ("Service map", "服务关系图"),
            Term::OwnershipTitle => ("Ownership", "资源归属"),
            Term::Aggregated => ("grouped", "已分组"),
            Term::Expanded => ("expanded", "已展开"),
            Term::NotReady => ("NotReady", "未就绪"),
            Term::Cordoned => ("cordoned", "已停止调度"),
        };
        match lang {
            Lang::En => en,
            Lang::ZhCn => zh,
        }
    }

    /// `n` followed (en) or preceded by the counted noun, e.g. "12 nodes" / "12 个节点".
    pub fn count(self, n: usize, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{} {}", group_thousands(n), self.text(lang)),
            Lang::ZhCn => format!("{} {}", group_thousands(n), self.text(lang)),
        }
    }
}

/// `12345` → `12,345`, so large counts stay readable.
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_phrases_are_in_chinese() {
        assert_eq!(Term::Container.text(Lang::ZhCn), "容器");
        assert_eq!(Term::DiskAndDirectory.text(Lang::ZhCn), "磁盘和目录");
        assert_eq!(Term::NetworkAddress.text(Lang::ZhCn), "网络地址和端口");
        assert_eq!(Term::Host.text(Lang::ZhCn), "主机");
        assert_eq!(Term::Master.text(Lang::En), "k8s master");
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(Term::Nodes.count(5000, Lang::En), "5,000 nodes");
        assert_eq!(Term::Pods.count(150000, Lang::ZhCn), "150,000 个 pod");
        assert_eq!(group_thousands(999), "999");
    }

    #[test]
    fn parses_language_tags() {
        assert_eq!("zh-CN".parse::<Lang>().unwrap(), Lang::ZhCn);
        assert_eq!("en".parse::<Lang>().unwrap(), Lang::En);
        assert!("fr".parse::<Lang>().is_err());
    }
}
