//! Translations. Every user-facing string of the UI is a [`Key`]; each
//! language file matches on every key, so a missing translation is a
//! compile error rather than an English word in a Chinese page.

mod columns;
mod en;
mod zh_cn;

use serde::{Deserialize, Serialize};

pub use columns::column_key;

/// A language the UI ships in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    /// English, the fallback.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    /// Every shipped locale, in the order the language switch lists them.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// The BCP 47 tag, as used in `<html lang>` and stored per user.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, shown in the switch whatever the current locale.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "简体中文",
        }
    }

    /// Parses a stored tag; unknown tags give `None`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let lower = tag.trim().to_ascii_lowercase();
        if lower == "en" || lower.starts_with("en-") {
            Some(Locale::En)
        } else if lower == "zh"
            || lower.starts_with("zh-cn")
            || lower.starts_with("zh-hans")
            || lower == "zh-sg"
        {
            Some(Locale::ZhCn)
        } else {
            None
        }
    }

    /// Picks the best shipped locale for an `Accept-Language` header,
    /// honouring q-values; English when nothing matches.
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (index, part) in accept_language.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(locale) = Locale::from_tag(tag)
                && q > 0.0
                && best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && index < bi))
            {
                best = Some((q, index, locale));
            }
        }
        best.map(|(_, _, l)| l).unwrap_or_default()
    }

    /// The text of `key` in this locale.
    pub fn t(self, key: Key) -> &'static str {
        match self {
            Locale::En => en::text(key),
            Locale::ZhCn => zh_cn::text(key),
        }
    }
}

/// Every string the UI shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    AppName,
    Tagline,
    SkipToContent,
    NavLabel,
    NavOverview,
    NavTopology,
    NavWorkloads,
    NavNetwork,
    NavConfig,
    NavStorage,
    NavAccess,
    NavAudit,
    ClusterPickerLabel,
    NoClusterConnected,
    SignedInAs,
    LogOut,
    Language,
    ThemeDark,
    ThemeLight,
    HomeTitle,
    HomeIntro,
    HomeNextSteps,
    SectionEmpty,
    OverviewIntro,
    TopologyIntro,
    WorkloadsIntro,
    NetworkIntro,
    ConfigIntro,
    StorageIntro,
    AccessIntro,
    AuditIntro,
    LoginTitle,
    LoginUsername,
    LoginPassword,
    LoginSubmit,
    LoginErrorInvalid,
    LoginErrorRateLimited,
    LoginErrorExpired,
    LoginErrorBadRequest,
    BadRequestTitle,
    BackToSignIn,
    SignInUnavailable,
    LoggedOut,
    NotFoundTitle,
    NotFoundBody,
    BackHome,
    SavePreferenceFailed,
    NavNodes,
    NavEvents,
    NavNamespaces,
    NavResources,
    NodesIntro,
    EventsIntro,
    NamespacesIntro,
    ResourcesIntro,
    ClusterConnected,
    ClusterConnecting,
    ClusterReconnecting,
    ClusterUnreachable,
    ClusterVersion,
    ClusterOrigin,
    ChooseCluster,
    NoClusters,
    LastError,
    StreamLive,
    StreamReconnecting,
    StreamEnded,
    Syncing,
    RetryingWatch,
    OverviewNodes,
    OverviewReady,
    OverviewNotReady,
    OverviewPods,
    OverviewNamespacesCount,
    OverviewWorkloads,
    OverviewAllWorkloadsHealthy,
    OverviewWarnings,
    OverviewNoWarnings,
    OverviewWatches,
    OverviewConnection,
    WatchKind,
    WatchObjects,
    WatchState,
    WatchViewers,
    SyncSynced,
    SyncSyncing,
    SyncRetrying,
    Role,
    ListNamespace,
    DiagramZoomIn,
    DiagramZoomOut,
    DiagramFit,
    DiagramExport,
    DiagramOpenPlantUml,
    DiagramKeys,
    /// A count and the time since it last grew: `{count}`, `{age}`.
    CountAgo,
    DiagramRegion,
    DiagramTopology,
    DiagramServiceMap,
    DiagramOwnership,
    DiagramPod,
    DiagramShow,
    DiagramGrouped,
    LegendTitle,
    LegendMaster,
    LegendWorker,
    LegendComponent,
    LegendRunning,
    LegendPending,
    LegendFailed,
    LegendDone,
    LegendNotReady,
    LegendCordoned,
    ListAllNamespaces,
    ListFilter,
    ListSelector,
    ListApply,
    ListShowing,
    ListOf,
    ListPrevious,
    ListNext,
    ListEmpty,
    ListKeyboardHint,
    ListRows,
    ColName,
    ColNamespace,
    ColAge,
    DetailSummary,
    DetailKind,
    DetailCreated,
    DetailStatus,
    DetailConditions,
    DetailConditionType,
    DetailConditionStatus,
    DetailConditionReason,
    DetailLabels,
    DetailAnnotations,
    DetailNone,
    DetailEvents,
    DetailNoEvents,
    DetailRelated,
    DetailNoRelated,
    DetailYaml,
    DetailInitContainers,
    DetailContainers,
    DetailContainerImage,
    DetailContainerState,
    DetailContainerRestarts,
    DetailPodIp,
    DetailNode,
    DetailNoOwner,
    DetailVolumes,
    DetailMounts,
    RelationOwner,
    RelationChild,
    RelationPod,
    RelationService,
    RelationNode,
    RelationDegraded,
    ErrorTitle,
    Loading,
    BackToList,
    SecretValuesHidden,
    Tabs,
    ColReady,
    ColStatus,
    ColRestarts,
    ColIp,
    ColNode,
    ColRoles,
    ColVersion,
    ColInternalIp,
    ColUpToDate,
    ColAvailable,
    ColDesired,
    ColCurrent,
    ColNodeSelector,
    ColCompletions,
    ColDuration,
    ColSchedule,
    ColTimezone,
    ColSuspend,
    ColActive,
    ColLastSchedule,
    ColType,
    ColClusterIp,
    ColExternalIp,
    ColPorts,
    ColEndpoints,
    ColAddressType,
    ColClass,
    ColHosts,
    ColAddress,
    ColData,
    ColCapacity,
    ColAccessModes,
    ColReclaimPolicy,
    ColClaim,
    ColStorageClass,
    ColVolume,
    ColProvisioner,
    ColBindingMode,
    ColAllowExpansion,
    ColDefault,
    ColReason,
    ColObject,
    ColMessage,
    ColCount,
    ColLastSeen,
    ColCpu,
    ColMemory,
    ColMinAvailable,
    ColMaxUnavailable,
    ColAllowedDisruptions,
    LoginErrorBusy,
    SignInNotRecorded,
    SignOutNotRecorded,
    ChangePassword,
    CurrentPassword,
    NewPassword,
    ConfirmPassword,
    PasswordChanged,
    PasswordErrorCurrent,
    PasswordErrorMismatch,
    PasswordErrorShort,
    PasswordErrorLong,
    PasswordErrorSame,
    PasswordErrorRateLimited,
    PasswordErrorBadRequest,
    PasswordChangeFailed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_shipped_locale() {
        assert_eq!(Locale::negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Locale::ZhCn);
        assert_eq!(Locale::negotiate("en-US,en;q=0.9,zh-CN;q=0.8"), Locale::En);
        assert_eq!(Locale::negotiate("fr-FR,zh;q=0.5"), Locale::ZhCn);
        assert_eq!(Locale::negotiate("de, fr"), Locale::En);
        assert_eq!(Locale::negotiate(""), Locale::En);
        assert_eq!(Locale::negotiate("en;q=0.1, zh-Hans;q=0.7"), Locale::ZhCn);
        assert_eq!(
            Locale::negotiate("zh-TW"),
            Locale::En,
            "traditional Chinese is not shipped"
        );
    }

    #[test]
    fn tags_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }

    #[test]
    fn both_languages_translate_the_navigation() {
        assert_eq!(Locale::En.t(Key::NavWorkloads), "Workloads");
        assert_eq!(Locale::ZhCn.t(Key::NavWorkloads), "工作负载");
        assert_ne!(
            Locale::En.t(Key::LoginErrorInvalid),
            Locale::ZhCn.t(Key::LoginErrorInvalid)
        );
    }
}
