//! The ChargePoint calls by name: one enum for the client (labels in messages) and for
//! `cph50 sim` (names in fault specs and request counts).

/// The calls, named for messages, logs, fault specs and request counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ep {
    /// Region discovery: `POST /discovery/v3/globalconfig`.
    Discovery,
    /// Password login: `POST {sso}v1/user/login`.
    Login,
    /// Logout: `POST {sso}v1/user/logout` (the client never calls it; the sim serves it).
    Logout,
    /// Account profile: `GET {accounts}v1/driver/profile/user`.
    Profile,
    /// The account's vehicles: `GET {accounts}v1/driver/vehicle` (`cph50 init`).
    Vehicles,
    /// Home charger list: `GET {hcpo}.../users/{userId}/chargers`.
    Chargers,
    /// Charger status: `GET .../chargers/{chargerId}/status`.
    Status,
    /// Charger technical info: `GET .../chargers/{chargerId}/technical-info`.
    TechnicalInfo,
    /// Charger configuration: `GET .../chargers/{chargerId}/configurations`.
    Config,
    /// Charger schedule: `GET`/`PUT .../schedule/charger/{chargerId}/schedule`.
    Schedule,
    /// Amperage limit: `PUT .../chargers/{chargerId}/charge-amperage-limit`.
    Amperage,
    /// Charger restart: `POST .../chargers/{chargerId}/restart` (sim only).
    Restart,
    /// The user's charging status: `POST {mapcache}v2` with `user_status`.
    UserStatus,
    /// Monthly charging activity: `POST {mapcache}v2` with `charging_activity_monthly`.
    Activity,
    /// One session's details: driver-bff, or `{mapcache}v2` with `charging_status`.
    Session,
    /// Start charging: `POST {accounts}v1/driver/station/startsession`.
    Start,
    /// Stop charging: `POST {accounts}v1/driver/station/stopSession`.
    Stop,
    /// Start/stop confirmation: `POST {accounts}v1/driver/station/session/ack`.
    Ack,
}

impl Ep {
    /// Every call, in the order `cph50 sim --help` lists them.
    pub const ALL: [Ep; 18] = [
        Self::Discovery,
        Self::Login,
        Self::Logout,
        Self::Profile,
        Self::Vehicles,
        Self::Chargers,
        Self::Status,
        Self::TechnicalInfo,
        Self::Config,
        Self::Schedule,
        Self::Amperage,
        Self::Restart,
        Self::UserStatus,
        Self::Activity,
        Self::Session,
        Self::Start,
        Self::Stop,
        Self::Ack,
    ];

    /// Short name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Discovery => "discovery",
            Self::Login => "login",
            Self::Logout => "logout",
            Self::Profile => "account profile",
            Self::Vehicles => "account vehicles",
            Self::Chargers => "home chargers",
            Self::Status => "charger status",
            Self::TechnicalInfo => "charger technical info",
            Self::Config => "charger configuration",
            Self::Schedule => "charger schedule",
            Self::Amperage => "amperage limit",
            Self::Restart => "charger restart",
            Self::UserStatus => "user status",
            Self::Activity => "charging activity",
            Self::Session => "session details",
            Self::Start => "start session",
            Self::Stop => "stop session",
            Self::Ack => "session ack",
        }
    }

    /// Whether sending this call twice is harmless, so the transport may retry it: every read
    /// (discovery, login and the POSTed queries included) is; start, stop, restart, logout and
    /// every `PUT` (amperage limit, schedule) are not: they change the charger, and after a
    /// failed answer only the caller can tell whether trying again is right.
    pub fn idempotent(self, method: &reqwest::Method) -> bool {
        match self {
            Self::Start | Self::Stop | Self::Restart | Self::Logout => false,
            _ => *method != reqwest::Method::PUT,
        }
    }

    /// The one-word name of `cph50 sim` fault specs and `GET /_sim/state` request counts
    /// (`technical_info`, `user_status`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Discovery => "discovery",
            Self::Login => "login",
            Self::Logout => "logout",
            Self::Profile => "profile",
            Self::Vehicles => "vehicles",
            Self::Chargers => "chargers",
            Self::Status => "status",
            Self::TechnicalInfo => "technical_info",
            Self::Config => "config",
            Self::Schedule => "schedule",
            Self::Amperage => "amperage",
            Self::Restart => "restart",
            Self::UserStatus => "user_status",
            Self::Activity => "activity",
            Self::Session => "session",
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Ack => "ack",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_words_and_labels_stay_readable() {
        let names: std::collections::BTreeSet<&str> = Ep::ALL.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), Ep::ALL.len());
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        assert_eq!(Ep::TechnicalInfo.label(), "charger technical info");
        use reqwest::Method;
        let commands: Vec<(Ep, Method)> = Ep::ALL
            .iter()
            .flat_map(|e| [(*e, Method::GET), (*e, Method::POST), (*e, Method::PUT)])
            .filter(|(e, m)| !e.idempotent(m))
            .filter(|(_, m)| *m != Method::PUT)
            .collect();
        assert_eq!(
            commands.iter().map(|(e, _)| e.name()).collect::<Vec<_>>(),
            [
                "logout", "logout", "restart", "restart", "start", "start", "stop", "stop"
            ]
        );
        assert!(!Ep::Schedule.idempotent(&Method::PUT) && Ep::Schedule.idempotent(&Method::GET));
        assert!(Ep::Ack.idempotent(&Method::POST) && Ep::Login.idempotent(&Method::POST));
        assert_eq!(Ep::TechnicalInfo.name(), "technical_info");
    }
}
