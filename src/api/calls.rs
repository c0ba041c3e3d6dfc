//! One method per ChargePoint endpoint (paths as in `tests/fixtures/chargepoint/README.md`).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Utc};
use reqwest::Method;

use super::ack::{self, AckOutcome};
use super::models::{
    AccountsError, AckAnswer, AckIdAnswer, AckRequest, ActivityAnswer, AmperageAnswer,
    AmperageRequest, ChargerConfig, ChargerStatus, HomeChargers, MapcacheRequest, Schedule,
    ScheduleRequest, SessionAnswer, SessionDetails, StartRequest, StopRequest, TechnicalInfo,
    UserStatus, UserStatusAnswer, Vehicles, WeekSchedule,
};
use super::{ApiError, Client, Ep, expect_json};

const HCM: &str = "hcpo_hcm_endpoint";
const ACCOUNTS: &str = "accounts_endpoint";
const MAPCACHE: &str = "mapcache_endpoint";
const GATEWAY: &str = "internal_api_gateway_endpoint";

/// What a confirmed start returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The command's ack id (not a session id).
    pub ack_id: u64,
    /// The new session's id, read back from the user status (`None` if it did not show up in
    /// time; the start itself was confirmed).
    pub session_id: Option<u64>,
}

impl Client {
    fn user_id(&self) -> Result<u64, ApiError> {
        self.session
            .as_ref()
            .and_then(|s| s.user_id)
            .ok_or_else(|| ApiError::Malformed {
                endpoint: Ep::Profile.label().into(),
                pointer: "/user/userId".into(),
                message: "no user id in the account profile".into(),
            })
    }

    /// The home charger acted on: `CP_STATION_ID`, the stored one, or the account's first.
    ///
    /// # Errors
    /// The errors of every call (see [`Client`]); [`ApiError::Malformed`] (`/user/userId`) when
    /// the account profile gave no user id; [`ApiError::NoCharger`] when the account's home
    /// chargers list is empty.
    pub async fn station_id(&mut self) -> Result<u64, ApiError> {
        self.ensure_session().await?;
        if let Some(id) = self.cfg.station_id {
            return Ok(id);
        }
        if let Some(id) = self.session.as_ref().and_then(|s| s.station_id) {
            return Ok(id);
        }
        let path = format!("api/v1/configuration/users/{}/chargers", self.user_id()?);
        let list: HomeChargers = self
            .call(Ep::Chargers, Method::GET, HCM, &path, None::<&()>)
            .await?;
        let id = list.data.first().map(|c| c.id).ok_or_else(|| {
            ApiError::NoCharger(
                "the account has no home charger (home chargers list is empty)".into(),
            )
        })?;
        if let Some(s) = self.session.as_mut() {
            s.station_id = Some(id);
        }
        self.save_session()?;
        Ok(id)
    }

    async fn charger_path(&mut self, tail: &str) -> Result<String, ApiError> {
        let station = self.station_id().await?;
        Ok(format!(
            "api/v1/configuration/users/{}/chargers/{station}{tail}",
            self.user_id()?
        ))
    }

    /// Charger status: plugged in, connected, charging, inside its schedule window.
    ///
    /// # Errors
    /// Those of [`Self::station_id`], then the errors of every call (see [`Client`]) for
    /// `GET .../status`.
    pub async fn charger_status(&mut self) -> Result<ChargerStatus, ApiError> {
        let path = self.charger_path("/status").await?;
        self.call(Ep::Status, Method::GET, HCM, &path, None::<&()>)
            .await
    }

    /// Technical info (firmware, last connection).
    ///
    /// # Errors
    /// Those of [`Self::station_id`], then the errors of every call (see [`Client`]) for
    /// `GET .../technical-info`.
    pub async fn technical_info(&mut self) -> Result<TechnicalInfo, ApiError> {
        let path = self.charger_path("/technical-info").await?;
        self.call(Ep::TechnicalInfo, Method::GET, HCM, &path, None::<&()>)
            .await
    }

    /// Configuration (nickname, utility).
    ///
    /// # Errors
    /// Those of [`Self::station_id`], then the errors of every call (see [`Client`]) for
    /// `GET .../configurations`.
    pub async fn charger_config(&mut self) -> Result<ChargerConfig, ApiError> {
        let path = self.charger_path("/configurations").await?;
        self.call(Ep::Config, Method::GET, HCM, &path, None::<&()>)
            .await
    }

    /// The charger's own schedule (windows in the charger's local `HH:MM`).
    ///
    /// # Errors
    /// Those of [`Self::station_id`], then the errors of every call (see [`Client`]) for
    /// `GET .../schedule`.
    pub async fn schedule(&mut self) -> Result<Schedule, ApiError> {
        let station = self.station_id().await?;
        let path = format!("api/v1/schedule/charger/{station}/schedule");
        self.call(Ep::Schedule, Method::GET, HCM, &path, None::<&()>)
            .await
    }

    /// Sets the schedule windows, or disables the schedule with `None`. Only the times are sent
    /// (the weekday numbers of an answer's windows are left out). Sent once (a `PUT` is never
    /// retried by the transport).
    ///
    /// # Errors
    /// Those of [`Self::station_id`], then the errors of every call (see [`Client`]) for
    /// `PUT .../schedule`; a 4xx answer (a body the charger refuses) is
    /// [`ApiError::Refused`] (action `set_schedule`) with ChargePoint's `errorMessage`, else
    /// its `errorCategory`, else `HTTP <status>: <excerpt>`.
    pub async fn set_schedule(
        &mut self,
        windows: Option<WeekSchedule>,
    ) -> Result<Schedule, ApiError> {
        let station = self.station_id().await?;
        let path = format!("api/v1/schedule/charger/{station}/schedule");
        let body = ScheduleRequest {
            schedule: windows.map(WeekSchedule::times_only),
        };
        self.put_setting(Ep::Schedule, "set_schedule", &path, &body)
            .await
    }

    /// Sets the charge amperage limit to `amps`, whole amperes; the answer's `desired_value` is
    /// the limit being applied (A). Sent once (a `PUT` is never retried by the transport).
    ///
    /// # Errors
    /// Those of [`Self::station_id`], then the errors of every call (see [`Client`]) for
    /// `PUT .../charge-amperage-limit`; a 4xx answer (a limit the API refuses; `cph50 sim`
    /// answers 400 outside 20..=40 A) is [`ApiError::Refused`] (action
    /// `set_amperage_limit`) with ChargePoint's reason, as for [`Self::set_schedule`].
    pub async fn set_amperage_limit(&mut self, amps: u32) -> Result<AmperageAnswer, ApiError> {
        let station = self.station_id().await?;
        let path = format!("api/v1/configuration/chargers/{station}/charge-amperage-limit");
        let body = AmperageRequest {
            charge_amperage_limit: amps,
        };
        self.put_setting(Ep::Amperage, "set_amperage_limit", &path, &body)
            .await
    }

    /// A `PUT` of a charger setting: a 4xx answer is the charger's refusal, with its reason.
    async fn put_setting<T: serde::de::DeserializeOwned, B: serde::Serialize>(
        &mut self,
        ep: Ep,
        action: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let raw = self.request(ep, Method::PUT, HCM, path, Some(body)).await?;
        if (400..500).contains(&raw.status) {
            let error: AccountsError = serde_json::from_slice(&raw.body).unwrap_or_default();
            return Err(ApiError::Refused {
                endpoint: raw.endpoint,
                action: action.into(),
                message: ack::reason(raw.status, &error, &raw.body),
            });
        }
        expect_json(raw)
    }

    /// The account's vehicles as the ChargePoint app lists them: make, model, model year,
    /// colour and AC charging speed (no VIN: the answer has none). `cph50 init` names the
    /// household's cars from it.
    ///
    /// # Errors
    /// The errors of every call (see [`Client`]) for `GET {accounts}v1/driver/vehicle`.
    pub async fn vehicles(&mut self) -> Result<Vehicles, ApiError> {
        self.call(
            Ep::Vehicles,
            Method::GET,
            ACCOUNTS,
            "v1/driver/vehicle",
            None::<&()>,
        )
        .await
    }

    /// The user's charging status; `charging` is `None` when nothing is charging.
    ///
    /// # Errors
    /// The errors of every call (see [`Client`]) for `POST {mapcache}v2` (`user_status`).
    pub async fn user_status(&mut self) -> Result<UserStatus, ApiError> {
        let body = MapcacheRequest::user_status();
        let answer: UserStatusAnswer = self
            .call(Ep::UserStatus, Method::POST, MAPCACHE, "v2", Some(&body))
            .await?;
        Ok(answer.user_status)
    }

    /// One session's details with its `update_data` (power samples, kW and kWh).
    ///
    /// # Errors
    /// The errors of every call (see [`Client`]) for the session-details endpoint;
    /// [`ApiError::Reported`] with the text when a 200 answer carries
    /// `charging_status.error` or `error_message` (ChargePoint's text is e.g.
    /// `java.lang.NullPointerException`; `cph50 sim` answers an unknown id so).
    pub async fn session_details(&mut self, session_id: u64) -> Result<SessionDetails, ApiError> {
        let path = format!("/driver-bff/v1/sessions/{session_id}");
        let body = MapcacheRequest::session(session_id);
        let raw = self
            .request(Ep::Session, Method::POST, GATEWAY, &path, Some(&body))
            .await?;
        let endpoint = raw.endpoint.clone();
        let answer: SessionAnswer = expect_json(raw)?;
        let details = answer.charging_status;
        if let Some(message) = details
            .error
            .clone()
            .or_else(|| details.error_message.clone())
        {
            return Err(ApiError::Reported { endpoint, message });
        }
        Ok(details)
    }

    /// Every session of the monthly activity list, newest first, following the page cursor
    /// until the last page, an empty page or a repeated cursor; with `since`, stops at the
    /// first month that ends before it and leaves out older sessions. De-duplicated by id.
    ///
    /// # Errors
    /// The errors of every call (see [`Client`]) for any page of `POST {mapcache}v2`
    /// (`charging_activity_monthly`); the pages already read are dropped.
    pub async fn activity(
        &mut self,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<SessionDetails>, ApiError> {
        let mut cursor: Option<String> = None;
        let mut cursors = BTreeSet::new();
        let mut ids = BTreeSet::new();
        let mut out = Vec::new();
        loop {
            let body = MapcacheRequest::activity(cursor.clone());
            let page: ActivityAnswer = self
                .call(Ep::Activity, Method::POST, MAPCACHE, "v2", Some(&body))
                .await?;
            let page = page.charging_activity_monthly;
            if page.month_info.is_empty() {
                break;
            }
            let mut older_than_since = false;
            for month in page.month_info {
                if since.is_some_and(|s| (month.year, month.month) < (s.year(), s.month())) {
                    older_than_since = true;
                    continue;
                }
                for session in month.sessions {
                    if since.is_some_and(|s| session.start_time.is_some_and(|t| t < s)) {
                        continue;
                    }
                    if session.session_id.is_none_or(|id| ids.insert(id)) {
                        out.push(session);
                    }
                }
            }
            match page.page_offset {
                Some(next)
                    if next != "last_page" && !older_than_since && cursors.insert(next.clone()) =>
                {
                    cursor = Some(next);
                }
                _ => break,
            }
        }
        Ok(out)
    }

    /// Starts charging, waits for the charger's confirmation, then reads the new session's id
    /// back from the user status (the id the ack returns is not the session id). The ack is
    /// polled `ack.attempts` times, `ack.interval` apart (default 20 × 3 s); the read-back
    /// at most 5 times.
    ///
    /// # Errors
    /// Those of [`Self::station_id`] and of every call (see [`Client`]) for the start, the ack
    /// polls and the user status; [`ApiError::Refused`] with ChargePoint's
    /// `errorMessage`/`errorCategory` (or `HTTP <status>: <excerpt>`) as soon as an ack answer
    /// is a refusal in [`ack::ACK_TABLE`] (e.g. 422 `CHARGE`, errorId 89); no poll follows;
    /// [`ApiError::AckTimeout`] when it is still pending (422 `STATION_NOT_YET_CONFIRMED`)
    /// after the last poll. The start is sent once whatever happens (see
    /// [`crate::api::Ep::idempotent`]): trying again is the caller's decision.
    pub async fn start(&mut self) -> Result<Started, ApiError> {
        let station = self.station_id().await?;
        let body = StartRequest { device_id: station };
        let ack: AckIdAnswer = self
            .call(
                Ep::Start,
                Method::POST,
                ACCOUNTS,
                "v1/driver/station/startsession",
                Some(&body),
            )
            .await?;
        self.wait_ack(ack.ack_id, "start_session").await?;
        let mut session_id = None;
        for _ in 0..self.cfg.ack.attempts.clamp(1, 5) {
            if let Some(id) = self
                .user_status()
                .await?
                .charging
                .and_then(|c| c.session_id)
            {
                session_id = Some(id);
                break;
            }
            tokio::time::sleep(self.cfg.ack.interval).await;
        }
        Ok(Started {
            ack_id: ack.ack_id,
            session_id,
        })
    }

    /// Stops a session and waits for the confirmation (polled as for [`Self::start`]).
    ///
    /// # Errors
    /// As [`Self::start`], without the user status: [`Self::station_id`]'s, every call's (see
    /// [`Client`]), [`ApiError::Refused`] and [`ApiError::AckTimeout`]. Sent once, like a start.
    pub async fn stop(&mut self, session_id: u64) -> Result<(), ApiError> {
        let station = self.station_id().await?;
        let body = StopRequest {
            device_id: station,
            port_number: 1,
            session_id,
        };
        let ack: AckIdAnswer = self
            .call(
                Ep::Stop,
                Method::POST,
                ACCOUNTS,
                "v1/driver/station/stopSession",
                Some(&body),
            )
            .await?;
        self.wait_ack(ack.ack_id, "stop_session").await
    }

    /// Polls the ack until [`ack::outcome`] says anything but pending: confirmed, refused (at
    /// once, with ChargePoint's reason), or the session died; pending after the last poll is
    /// [`ApiError::AckTimeout`]. A 2xx confirms only when its body is the API's JSON object
    /// ([`AckAnswer`]); anything else is [`ApiError::NotJson`] or [`ApiError::Malformed`].
    async fn wait_ack(&mut self, ack_id: u64, action: &str) -> Result<(), ApiError> {
        let body = AckRequest {
            ack_id,
            action: action.into(),
        };
        let attempts = self.cfg.ack.attempts.max(1);
        let mut endpoint = String::new();
        for attempt in 1..=attempts {
            let raw = self
                .request(
                    Ep::Ack,
                    Method::POST,
                    ACCOUNTS,
                    "v1/driver/station/session/ack",
                    Some(&body),
                )
                .await?;
            endpoint = raw.endpoint.clone();
            let error: AccountsError = serde_json::from_slice(&raw.body).unwrap_or_default();
            let reason = || ack::reason(raw.status, &error, &raw.body);
            match ack::outcome(raw.status, error.category.as_deref()) {
                // a 2xx is a confirmation only with the JSON the API sends (`{"sessionId": n}`,
                // `{}`): a maintenance page, an empty body or half a document confirms nothing
                AckOutcome::Confirmed => {
                    let endpoint = raw.endpoint.clone();
                    let object = raw.body.trim_ascii_start().starts_with(b"{");
                    let answer: AckAnswer = expect_json(raw)?;
                    if !object {
                        return Err(ApiError::Malformed {
                            endpoint,
                            pointer: "(whole document)".into(),
                            message: "expected a JSON object".into(),
                        });
                    }
                    tracing::debug!(
                        "{action} confirmed ({endpoint}{})",
                        answer
                            .session_id
                            .map(|id| format!(", session {id}"))
                            .unwrap_or_default()
                    );
                    return Ok(());
                }
                AckOutcome::Pending => {
                    tracing::debug!("{action} pending (poll {attempt} of {attempts})");
                    if attempt < attempts {
                        tokio::time::sleep(self.cfg.ack.interval).await;
                    }
                }
                AckOutcome::Refused => {
                    // the detail behind the error returned below: the `error:` line comes
                    // first at default verbosity (docs/cli.md), so this is for `-vv`
                    tracing::debug!(
                        "{action} refused on poll {attempt}: HTTP {}, errorId {}, errorCategory {}",
                        raw.status,
                        error.id.map_or("none".to_owned(), |id| id.to_string()),
                        error.category.as_deref().unwrap_or("none")
                    );
                    return Err(ApiError::Refused {
                        endpoint,
                        action: action.into(),
                        message: reason(),
                    });
                }
                AckOutcome::SessionExpired => {
                    return Err(ApiError::SessionExpired {
                        endpoint,
                        hint: reason(),
                    });
                }
                AckOutcome::Unavailable => {
                    return Err(ApiError::Http {
                        endpoint,
                        status: raw.status,
                        excerpt: super::error::excerpt(&raw.body, 200),
                    });
                }
            }
        }
        Err(ApiError::AckTimeout {
            endpoint,
            action: action.into(),
            attempts,
        })
    }
}
