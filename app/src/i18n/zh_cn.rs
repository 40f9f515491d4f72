//! 简体中文 (Simplified Chinese).

use super::Key;

/// The Simplified Chinese text of `key`.
pub fn text(key: Key) -> &'static str {
    match key {
        Key::AppName => "Pilothouse",
        Key::Tagline => "查看并驾驭你的 Kubernetes 集群。",
        Key::SkipToContent => "跳到正文",
        Key::NavLabel => "栏目",
        Key::NavOverview => "概览",
        Key::NavTopology => "拓扑",
        Key::NavWorkloads => "工作负载",
        Key::NavNetwork => "网络",
        Key::NavConfig => "配置",
        Key::NavStorage => "存储",
        Key::NavAccess => "访问控制",
        Key::NavAudit => "审计",
        Key::ClusterPickerLabel => "集群",
        Key::NoClusterConnected => "未连接集群",
        Key::SignedInAs => "当前用户",
        Key::LogOut => "退出登录",
        Key::Language => "语言",
        Key::ThemeDark => "深色主题",
        Key::ThemeLight => "浅色主题",
        Key::HomeTitle => "欢迎使用 Pilothouse",
        Key::HomeIntro => {
            "Pilothouse 像好老师画图那样展示集群：控制平面与工作节点、每个节点上的 pod，以及 pod 内部运行的内容。"
        }
        Key::HomeNextSteps => "尚未连接任何集群。连接之后，左侧每个栏目都会实时展示它。",
        Key::SectionEmpty => "暂无内容：未连接集群。",
        Key::OverviewIntro => "一眼看清节点、命名空间和集群的健康状况。",
        Key::TopologyIntro => "控制平面与工作节点，画得就像你文档里的架构图。",
        Key::WorkloadsIntro => "Deployment、StatefulSet、DaemonSet、Job 以及它们维持运行的 pod。",
        Key::NetworkIntro => "位于 pod 之前的 Service、端点和 Ingress。",
        Key::ConfigIntro => "ConfigMap 和 Secret，Secret 的值会被遮蔽。",
        Key::StorageIntro => "持久卷、持久卷申领和存储类。",
        Key::AccessIntro => "用户、团队，以及各自可以查看和修改的内容。",
        Key::AuditIntro => "谁在何时修改了什么。",
        Key::LoginTitle => "登录 Pilothouse",
        Key::LoginUsername => "用户名",
        Key::LoginPassword => "密码",
        Key::LoginSubmit => "登录",
        Key::LoginErrorInvalid => "用户名或密码无效。",
        Key::LoginErrorRateLimited => "登录尝试次数过多，请等待一分钟后再试。",
        Key::LoginErrorExpired => "会话已结束，请重新登录。",
        Key::LoginErrorBadRequest => "登录表单不完整，请重试。",
        Key::BadRequestTitle => "请求无效",
        Key::BackToSignIn => "返回登录",
        Key::SignInUnavailable => "暂时无法登录，请稍后再试。",
        Key::LoggedOut => "你已退出登录。",
        Key::NotFoundTitle => "页面不存在",
        Key::NotFoundBody => "此地址没有页面。",
        Key::BackHome => "返回首页",
        Key::SavePreferenceFailed => "无法保存你的偏好设置。",
    }
}
