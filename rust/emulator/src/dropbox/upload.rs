//! `files/upload`: one request, at most 150 MiB, streamed to a temporary file
//! while hashing, checked against `content_hash` when given, then committed
//! under the `WriteMode` rules.

use super::body::{declared_over, receive, Hashing, ReceiveError, MAX_REQUEST_BODY};
use super::commit::{check_content_hash, commit_file, CommitArg, CommitError};
use super::errors::{respond, void, ApiError, ApiResult, Route};
use super::{content_call, refuse};
use crate::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{json, Value};

const UPLOAD: Route = Route { name: "files/upload", kind: "dropbox.upload" };

pub(crate) async fn upload(State(app): State<App>, headers: HeaderMap, uri: Uri, body: Body) -> Response {
    respond(UPLOAD, upload_file(&app, &headers, &uri, body).await)
}

async fn upload_file(app: &App, headers: &HeaderMap, uri: &Uri, body: Body) -> ApiResult<Value> {
    let (mut arg, source, body) = content_call::<CommitArg>(app, headers, uri, body).await?;
    let expected_hash = match check_content_hash(arg.content_hash.take(), source, "") {
        Ok(h) => h,
        Err(e) => return Err(refuse(body, e).await),
    };
    let commit = match arg.check(source, "") {
        Ok(c) => c,
        Err(e) => return Err(refuse(body, e).await),
    };
    if declared_over(headers, MAX_REQUEST_BODY) {
        return Err(refuse(body, ApiError::Endpoint(void("payload_too_large"))).await);
    }
    let temp = app.store.temp_path();
    let mut file = tokio::fs::File::create(&temp).await?;
    let mut hashing = Hashing::default();
    let received = receive(body, &mut file, MAX_REQUEST_BODY, Some(&mut hashing)).await;
    drop(file);
    if let Err(e) = received {
        let _ = std::fs::remove_file(&temp);
        return Err(match e {
            ReceiveError::TooLarge => ApiError::Endpoint(void("payload_too_large")),
            ReceiveError::Broken(why) => ApiError::BadInput(format!("request body: {why}")),
        });
    }
    let hashes = hashing.finish();
    // files.stone UploadError.content_hash_mismatch: checked before anything is stored.
    if expected_hash.is_some_and(|h| h != hashes.content_hash) {
        let _ = std::fs::remove_file(&temp);
        return Err(ApiError::Endpoint(void("content_hash_mismatch")));
    }
    let size = hashes.size;
    let (app2, temp2) = (app.clone(), temp.clone());
    let outcome = tokio::task::spawn_blocking(move || commit_file(&app2, &temp2, hashes, &commit))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    match outcome {
        Ok(metadata) => Ok(metadata),
        Err(CommitError::Write(reason)) => {
            // The bytes are kept as a closed session: its id lets the client
            // retry the commit with upload_session/finish.
            let session = app.dropbox.sessions.adopt(&temp, size)?;
            Err(ApiError::Endpoint(json!({
                ".tag": "path",
                "reason": reason.to_value(),
                "upload_session_id": session,
            })))
        }
        Err(CommitError::Io(e)) => {
            let _ = std::fs::remove_file(&temp);
            Err(e.into())
        }
    }
}
