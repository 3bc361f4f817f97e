//! `upload_session/start_batch` (1..=1000 empty sessions, sequential or
//! concurrent) and those sessions filled with `append_v2`, in order or with
//! concurrent appends in any order, then committed with `finish_batch_v2`;
//! and the account id's length and shape wherever the account is reported.

mod common;
mod dropbox_util;

use dropbox_util::{append, error_tags, hash, rpc};
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

const MIB: usize = 1024 * 1024;
const UNIT: usize = 4 * MIB;

async fn start_batch(h: &common::Harness, arg: Value) -> Vec<String> {
    let (status, body) = rpc(h, "files/upload_session/start_batch", arg).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["session_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

fn entry(session: &str, offset: usize, path: &str) -> Value {
    json!({"cursor": {"session_id": session, "offset": offset}, "commit": {"path": path}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_batch_counts_from_1_to_1000() {
    let h = common::start().await;
    let ids = start_batch(&h, json!({"num_sessions": 1000})).await;
    assert_eq!(ids.len(), 1000);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 1000, "every id is its own");
    for bad in [json!({"num_sessions": 0}), json!({"num_sessions": 1001}), json!({"num_sessions": -1}), json!({})] {
        let (status, body) = rpc(&h, "files/upload_session/start_batch", bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad} -> {body}");
        assert!(body.as_str().unwrap().contains("files/upload_session/start_batch"), "{body}");
    }
    let (status, _) =
        rpc(&h, "files/upload_session/start_batch", json!({"num_sessions": 2, "session_type": "parallel"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_batch_sessions_take_appends_and_finish_in_one_batch() {
    let h = common::start().await;
    let ids = start_batch(&h, json!({"num_sessions": 3, "session_type": {".tag": "sequential"}})).await;
    let files: Vec<Vec<u8>> = (0..3).map(|i| common::bytes(MIB + 1000 * i, i as u8)).collect();
    for (id, data) in ids.iter().zip(&files) {
        let (head, tail) = data.split_at(MIB / 2);
        assert_eq!(append(&h, id, 0, head, false).await.0, StatusCode::OK);
        // The SDK's own retry logic depends on this answer.
        let (status, body) = append(&h, id, 0, tail, false).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"], json!({".tag": "incorrect_offset", "correct_offset": MIB / 2}));
        assert_eq!(append(&h, id, head.len() as u64, tail, true).await.0, StatusCode::OK);
    }
    let entries: Vec<Value> =
        ids.iter().zip(&files).enumerate().map(|(i, (id, d))| entry(id, d.len(), &format!("/seq/{i}.bin"))).collect();
    let (status, body) = rpc(&h, "files/upload_session/finish_batch_v2", json!({ "entries": entries })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (i, (result, data)) in body["entries"].as_array().unwrap().iter().zip(&files).enumerate() {
        assert_eq!(result[".tag"], "success", "{result}");
        assert_eq!(result["content_hash"], hash(data));
        assert_eq!(&h.stored("dropbox", &format!("seq/{i}.bin")).unwrap(), data);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_batch_sessions_take_chunks_in_any_order_at_once() {
    let h = common::start().await;
    let ids = start_batch(&h, json!({"num_sessions": 2, "session_type": "concurrent"})).await;
    // 3 full units and a short last chunk; 2 full units exactly.
    let files = [common::bytes(3 * UNIT + 12_345, 1), common::bytes(2 * UNIT, 2)];
    let mut calls = Vec::new();
    for (id, data) in ids.iter().zip(&files) {
        let chunks: Vec<(usize, &[u8])> = data.chunks(UNIT).enumerate().map(|(i, c)| (i * UNIT, c)).collect();
        let last = chunks.len() - 1;
        // Last chunk (the closing one) first, the others backwards, all in flight together.
        for (n, (offset, chunk)) in chunks.into_iter().enumerate().rev() {
            let h = &h;
            calls.push(async move { append(h, id, offset as u64, chunk, n == last).await });
        }
    }
    for (status, body) in join_all(calls).await {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let entries: Vec<Value> =
        ids.iter().zip(&files).enumerate().map(|(i, (id, d))| entry(id, d.len(), &format!("/con/{i}.bin"))).collect();
    let (status, body) = rpc(&h, "files/upload_session/finish_batch_v2", json!({ "entries": entries })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (i, (result, data)) in body["entries"].as_array().unwrap().iter().zip(&files).enumerate() {
        assert_eq!(result[".tag"], "success", "{result}");
        assert_eq!(result["size"], data.len());
        assert_eq!(result["content_hash"], hash(data));
        assert_eq!(&h.stored("dropbox", &format!("con/{i}.bin")).unwrap(), data);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_sessions_left_open_fail_their_entry_only() {
    let h = common::start().await;
    let ids = start_batch(&h, json!({"num_sessions": 2})).await;
    assert_eq!(append(&h, &ids[0], 0, b"closed", true).await.0, StatusCode::OK);
    assert_eq!(append(&h, &ids[1], 0, b"open", false).await.0, StatusCode::OK);
    let entries = vec![entry(&ids[0], 6, "/ok.txt"), entry(&ids[1], 4, "/open.txt")];
    let (status, body) = rpc(&h, "files/upload_session/finish_batch_v2", json!({ "entries": entries })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["entries"][0][".tag"], "success");
    assert_eq!(body["entries"][1][".tag"], "failure");
    assert_eq!(
        body["entries"][1]["failure"],
        json!({".tag": "lookup_failed", "lookup_failed": {".tag": "not_closed"}})
    );
    assert_eq!(h.stored("dropbox", "ok.txt").unwrap(), b"closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_id_is_40_characters_and_the_same_everywhere() {
    let h = common::start().await;
    let (status, me) = rpc(&h, "users/get_current_account", Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let id = me["account_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 40, "{id}");
    let rest = id.strip_prefix("dbid:").expect("dbid: prefix");
    assert_eq!(rest.len(), 35);
    assert!(rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{id}");
    // Every required field of FullAccount.
    for field in ["email", "email_verified", "disabled", "locale", "referral_link", "is_paired", "country"] {
        assert!(!me[field].is_null(), "{field} missing");
    }
    for field in ["given_name", "surname", "familiar_name", "display_name", "abbreviated_name"] {
        assert!(me["name"][field].is_string(), "name.{field} missing");
    }
    assert_eq!(me["root_info"][".tag"], "user");
    assert!(me["root_info"]["home_namespace_id"].is_string());

    let (status, other) = rpc(&h, "users/get_account", json!({ "account_id": id })).await;
    assert_eq!(status, StatusCode::OK, "{other}");
    assert_eq!(other["account_id"], id);
    assert_eq!(other["is_teammate"], true);
    let (status, list) = rpc(&h, "users/get_account_batch", json!({ "account_ids": [id] })).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list[0]["account_id"], id);
    let stranger = format!("dbid:{}", "B".repeat(35));
    let (status, body) = rpc(&h, "users/get_account", json!({ "account_id": stranger })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "no_account");
    let (status, _) = rpc(&h, "users/get_account", json!({"account_id": "dbid:short"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, usage) = rpc(&h, "users/get_space_usage", Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert!(usage["used"].is_u64());
    assert_eq!(usage["allocation"][".tag"], "individual");
    assert!(usage["allocation"]["allocated"].is_u64());
}
