//! The translated title of each built-in list column, by the stable id
//! the gateway gives it (`gateway::rows::COLUMN_IDS`).

use super::Key;

/// The title key of a built-in column id; `None` for a CRD's printer
/// columns, whose titles are cluster data.
pub fn column_key(id: &str) -> Option<Key> {
    Some(match id {
        "name" => Key::ColName,
        "namespace" => Key::ColNamespace,
        "age" => Key::ColAge,
        "ready" => Key::ColReady,
        "status" => Key::ColStatus,
        "restarts" => Key::ColRestarts,
        "ip" => Key::ColIp,
        "node" => Key::ColNode,
        "roles" => Key::ColRoles,
        "version" => Key::ColVersion,
        "internal_ip" => Key::ColInternalIp,
        "up_to_date" => Key::ColUpToDate,
        "available" => Key::ColAvailable,
        "desired" => Key::ColDesired,
        "current" => Key::ColCurrent,
        "node_selector" => Key::ColNodeSelector,
        "completions" => Key::ColCompletions,
        "duration" => Key::ColDuration,
        "schedule" => Key::ColSchedule,
        "timezone" => Key::ColTimezone,
        "suspend" => Key::ColSuspend,
        "active" => Key::ColActive,
        "last_schedule" => Key::ColLastSchedule,
        "type" => Key::ColType,
        "cluster_ip" => Key::ColClusterIp,
        "external_ip" => Key::ColExternalIp,
        "ports" => Key::ColPorts,
        "endpoints" => Key::ColEndpoints,
        "address_type" => Key::ColAddressType,
        "class" => Key::ColClass,
        "hosts" => Key::ColHosts,
        "address" => Key::ColAddress,
        "data" => Key::ColData,
        "capacity" => Key::ColCapacity,
        "access_modes" => Key::ColAccessModes,
        "reclaim_policy" => Key::ColReclaimPolicy,
        "claim" => Key::ColClaim,
        "storage_class" => Key::ColStorageClass,
        "volume" => Key::ColVolume,
        "provisioner" => Key::ColProvisioner,
        "binding_mode" => Key::ColBindingMode,
        "allow_expansion" => Key::ColAllowExpansion,
        "default" => Key::ColDefault,
        "reason" => Key::ColReason,
        "object" => Key::ColObject,
        "message" => Key::ColMessage,
        "count" => Key::ColCount,
        "last_seen" => Key::ColLastSeen,
        "cpu" => Key::ColCpu,
        "memory" => Key::ColMemory,
        "min_available" => Key::ColMinAvailable,
        "max_unavailable" => Key::ColMaxUnavailable,
        "allowed_disruptions" => Key::ColAllowedDisruptions,
        _ => return None,
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_built_in_column_has_a_title_in_both_languages() {
        for id in gateway::rows::COLUMN_IDS {
            let key = column_key(id).unwrap_or_else(|| panic!("no title for column {id}"));
            assert!(!Locale::ZhCn.t(key).is_empty());
        }
    }
}
