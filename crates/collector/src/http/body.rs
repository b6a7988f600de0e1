//! An answer's body read, decompressed, within the largest size read: an answer still arriving
//! when its time limit struck told from one that stalled.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::arriving::{self, Arriving};
use super::caps::answer_cap;
use super::failure::{Attempt, transport_reason};
use super::{FetchError, SourceClient};

/// The most memory set aside for a body before its bytes come, whatever length it
/// announces: past it the body grows as it is read.
const PREALLOCATED_BYTES: u64 = 64 * releve::rawfile::MIB;

impl SourceClient {
    /// The whole body, decompressed, or why not: at most `max_body` bytes are read.
    pub(super) async fn read_body(
        &self,
        what: &str,
        mut response: reqwest::Response,
        limit: Duration,
    ) -> Result<Bytes, Attempt> {
        let too_large = || {
            Attempt::Fatal(FetchError::TooLarge {
                what: what.to_owned(),
                mib: self.max_body / releve::rawfile::MIB,
                by_memory: answer_cap()
                    .1
                    .filter(|_| self.max_body == answer_cap().0)
                    .map(|memory| memory / releve::rawfile::MIB),
            })
        };
        let announced = response.content_length();
        if announced.is_some_and(|length| length > self.max_body) {
            return Err(too_large());
        }
        // Sized when the length is announced, so a large export is seldom copied as it grows;
        // up to what the first bytes justify only: a length announced and never sent would
        // otherwise have the memory set aside before any byte came (and, where the system
        // refuses that much, abort the whole collector).
        let capacity = announced
            .map(|n| n.min(PREALLOCATED_BYTES).min(self.max_body))
            .and_then(|n| usize::try_from(n).ok());
        let mut body = bytes::BytesMut::with_capacity(capacity.unwrap_or(0));
        let reading_since = Instant::now();
        let mut last_came = reading_since;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                // Timed out while the body kept coming, at a pace no retry would beat: a
                // stalled one, or one whose server was slow to start, is tried again.
                Err(err)
                    if err.is_timeout()
                        && !body.is_empty()
                        && arriving::still(Arriving {
                            last_came: last_came.elapsed(),
                            reading: reading_since.elapsed(),
                            received: body.len(),
                            announced,
                            limit,
                        }) =>
                {
                    return Err(Attempt::Fatal(FetchError::StillArriving {
                        what: what.to_owned(),
                        received: arriving::arrived(body.len(), announced),
                        limit,
                    }));
                }
                Err(err) => return Err(Attempt::retry(transport_reason(err, limit, None), None)),
            };
            last_came = Instant::now();
            if (body.len() + chunk.len()) as u64 > self.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}
