//! Remote start and stop: the commands waiting for the station, its confirmations and
//! refusals, and the ack polls that report them. A refusal is answered the way the real API
//! answers one (422, errorId 89, `CHARGE`, see `bodies::ack_refused`), with the sim's reason.

use chrono::{DateTime, Duration, Utc};

use super::ack::{
    ALREADY, Ack, AckAnswer, AckState, Action, NO_CAR, NOT_RUNNING, START_REFUSED, STOP_REFUSED,
};
use super::mix;
use super::world::World;

/// Sim seconds after which the station confirms a command that was not polled three times.
const CONFIRM_S: i64 = 5;

impl World {
    /// A remote start or stop; returns the ack id. A request hit by a `refuse` fault is
    /// accepted and refused when the station answers.
    pub(crate) fn command(
        &mut self,
        action: Action,
        session: Option<u64>,
        at: DateTime<Utc>,
    ) -> u64 {
        let forced = self.faults.take_refusing();
        let refuse = match action {
            Action::Start => {
                self.starts += 1;
                (forced || mix(self.seed ^ 0xA11CE, self.starts) % 8 == 0).then_some(START_REFUSED)
            }
            Action::Stop => forced.then_some(STOP_REFUSED),
        };
        let id = self.next_ack;
        self.next_ack += 1;
        let state = if self.connected {
            AckState::Pending
        } else {
            AckState::Lost
        };
        self.acks.insert(
            id,
            Ack {
                action,
                created: at,
                polls: 0,
                state,
                refuse,
                session,
            },
        );
        id
    }

    /// The station's answer to a command, when it confirms it at `at`.
    pub(crate) fn resolve(&mut self, id: u64, at: DateTime<Utc>) {
        let Some(ack) = self.acks.get(&id).cloned() else {
            return;
        };
        if ack.state != AckState::Pending {
            return;
        }
        let state = match ack.action {
            Action::Start => {
                if let Some(reason) = ack.refuse {
                    AckState::Refused(reason)
                } else if self.plugged.is_none() {
                    AckState::Refused(NO_CAR)
                } else if self.current.is_some() {
                    AckState::Refused(ALREADY)
                } else {
                    self.begin_session(at);
                    AckState::Done
                }
            }
            Action::Stop => {
                if let Some(reason) = ack.refuse {
                    AckState::Refused(reason)
                } else if self.current.is_some()
                    && ack.session.is_none_or(|s| Some(s) == self.current)
                {
                    self.end_session(at);
                    AckState::Done
                } else {
                    AckState::Refused(NOT_RUNNING)
                }
            }
        };
        if let Some(a) = self.acks.get_mut(&id) {
            a.state = state;
        }
    }

    /// One ack poll: the station confirms on the third poll or after [`CONFIRM_S`] seconds. A
    /// poll hit by a `refuse` fault refuses a command still waiting, at once.
    pub(crate) fn poll_ack(&mut self, id: u64, action: Action, at: DateTime<Utc>) -> AckAnswer {
        let Some(ack) = self.acks.get_mut(&id) else {
            return AckAnswer::Unknown;
        };
        if ack.action != action {
            return AckAnswer::WrongAction(ack.action);
        }
        ack.polls += 1;
        if self.faults.take_refusing() && matches!(ack.state, AckState::Pending | AckState::Lost) {
            ack.state = AckState::Refused(match action {
                Action::Start => START_REFUSED,
                Action::Stop => STOP_REFUSED,
            });
        }
        if ack.polls >= 3 && ack.state == AckState::Pending {
            self.resolve(id, at);
        }
        let Some(ack) = self.acks.get(&id) else {
            return AckAnswer::Unknown;
        };
        match (ack.state, ack.action) {
            (AckState::Pending | AckState::Lost, _) => AckAnswer::Pending,
            (AckState::Refused(r), _) => AckAnswer::Refused(r),
            (AckState::Done, Action::Start) => {
                AckAnswer::Confirmed(Some(10_000 + mix(self.seed, id) % 90_000))
            }
            (AckState::Done, Action::Stop) => AckAnswer::Confirmed(None),
        }
    }

    /// The number of acks still waiting for the station.
    pub(crate) fn pending_acks(&self) -> usize {
        self.acks
            .values()
            .filter(|a| matches!(a.state, AckState::Pending | AckState::Lost))
            .count()
    }

    /// The pending commands the station confirms in `(after, upto]`, by time.
    pub(crate) fn due_acks(
        &self,
        after: DateTime<Utc>,
        upto: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, u64)> {
        self.acks
            .iter()
            .filter(|(_, a)| a.state == AckState::Pending)
            .map(|(id, a)| (a.created + Duration::seconds(CONFIRM_S), *id))
            .filter(|(due, _)| after < *due && *due <= upto)
            .collect()
    }

    /// The station went offline: the commands it has not confirmed are lost.
    pub(crate) fn lose_pending_acks(&mut self) {
        for ack in self.acks.values_mut() {
            if ack.state == AckState::Pending {
                ack.state = AckState::Lost;
            }
        }
    }
}
