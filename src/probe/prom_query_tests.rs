use super::*;
use crate::probe::test_server::{serve, Reply};

const T: Duration = Duration::from_secs(5);

const MATRIX: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
 {"metric":{"__name__":"kube_horizontalpodautoscaler_status_current_replicas","namespace":"shop","horizontalpodautoscaler":"web"},
  "values":[[1700000000,"2"],[1700000015,"3"],[1700000030,"NaN"],[1700000045,"+Inf"],[1700000060.5,"4"]]},
 {"metric":{"pod":"web-1"},"values":[[1700000000,"0.25"],[1700000015,"-Inf"]]}
]}}"#;

async fn query(server_url: &Uri, q: &str) -> Result<Vec<MetricSeries>, ProbeError> {
    query_range(
        server_url,
        q,
        1_700_000_000.0,
        1_700_000_060.0,
        15.0,
        &[],
        &ProbeTls::default(),
        T,
    )
    .await
}

#[tokio::test]
async fn matrix_results_become_series() {
    let server = serve(|_| Reply::ok(MATRIX).header("content-type", "application/json")).await;
    let q = r#"sum(rate(container_cpu_usage_seconds_total{namespace="shop",container!=""}[1m]))"#;
    let series = query(&server.url("/"), q).await.expect("query");
    assert_eq!(series.len(), 2);
    let replicas = &series[0];
    assert_eq!(
        replicas.name,
        "kube_horizontalpodautoscaler_status_current_replicas"
    );
    assert_eq!(replicas.labels["horizontalpodautoscaler"], "web");
    assert!(!replicas.labels.contains_key("__name__"));
    assert_eq!(
        replicas.points,
        vec![[1.7e9, 2.0], [1_700_000_015.0, 3.0], [1_700_000_060.5, 4.0]],
        "NaN/Inf left out"
    );
    assert_eq!(replicas.kind, SeriesKind::Other);
    assert_eq!(series[1].name, q, "no __name__: the query names the series");
    assert_eq!(series[1].points, vec![[1.7e9, 0.25]]);

    let seen = &server.requests()[0].path_and_query;
    assert!(seen.starts_with("/api/v1/query_range?query=sum%28rate%28container_cpu_usage_seconds_total%7Bnamespace%3D%22shop%22%2Ccontainer%21%3D%22%22%7D%5B1m%5D%29%29&"), "{seen}");
    assert!(
        seen.ends_with("&start=1700000000.000&end=1700000060.000&step=15"),
        "{seen}"
    );
}

#[tokio::test]
async fn base_path_prefix_is_kept() {
    let server =
        serve(|_| Reply::ok(r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#))
            .await;
    let series = query(&server.url("/prometheus/"), "up")
        .await
        .expect("query");
    assert!(series.is_empty());
    assert!(server.requests()[0]
        .path_and_query
        .starts_with("/prometheus/api/v1/query_range?query=up&"));
}

#[tokio::test]
async fn api_errors_keep_prometheus_text() {
    let body = r#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}"#;
    let server = serve(move |_| Reply::status(400, body)).await;
    let err = query(&server.url("/"), "up").await.expect_err("400");
    match &err {
        ProbeError::PromApi {
            status,
            error_type,
            error,
            url,
        } => {
            assert_eq!((*status, error_type.as_deref()), (400, Some("bad_data")));
            assert!(error.starts_with("exceeded maximum resolution"));
            assert!(url.ends_with("/api/v1/query_range"), "{url}");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("(HTTP 400, bad_data): exceeded maximum resolution"),
        "{err}"
    );
}

#[tokio::test]
async fn non_api_answers_are_reported_plainly() {
    let server = serve(|_| Reply::status(502, "<html>bad gateway</html>")).await;
    let err = query(&server.url("/"), "up").await.expect_err("502");
    assert!(
        matches!(err, ProbeError::Status { status: 502, .. }),
        "{err}"
    );

    let server = serve(|_| Reply::ok("not json")).await;
    let err = query(&server.url("/"), "up").await.expect_err("garbage");
    assert!(err.to_string().contains("not Prometheus API JSON"), "{err}");

    let server =
        serve(|_| Reply::ok(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#))
            .await;
    let err = query(&server.url("/"), "up").await.expect_err("vector");
    assert!(
        err.to_string().contains("expected a matrix result"),
        "{err}"
    );

    let server = serve(|_| {
        Reply::ok(
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,2]]}]}}"#,
        )
    })
    .await;
    let err = query(&server.url("/"), "up")
        .await
        .expect_err("number value");
    assert!(err.to_string().contains("malformed matrix result"), "{err}");
}

#[tokio::test]
async fn slow_server_times_out_and_bad_windows_are_refused() {
    let server = serve(|_| Reply::ok("{}").delay(Duration::from_secs(3))).await;
    let err = query_range(
        &server.url("/"),
        "up",
        0.0,
        60.0,
        15.0,
        &[],
        &ProbeTls::default(),
        Duration::from_millis(150),
    )
    .await
    .expect_err("timeout");
    assert!(matches!(err, ProbeError::Timeout { .. }), "{err}");
    let base = server.url("/");
    let tls = ProbeTls::default();
    assert!(query_range(&base, "up", 10.0, 0.0, 15.0, &[], &tls, T)
        .await
        .is_err());
    assert!(query_range(&base, "up", 0.0, 10.0, 0.0, &[], &tls, T)
        .await
        .is_err());
    assert!(query_range(&base, "up", f64::NAN, 10.0, 1.0, &[], &tls, T)
        .await
        .is_err());
}

#[test]
fn step_respects_the_point_limit() {
    assert_eq!(choose_step(0.0, 3600.0, 15.0), 15.0);
    let day = 86_400.0;
    let step = choose_step(0.0, day, 1.0);
    assert!(day / step <= MAX_POINTS_PER_SERIES, "{step}");
    assert_eq!(step, 7.855);
    assert_eq!(choose_step(0.0, 1.0, 0.0000001), 0.001);
    assert_eq!(choose_step(5.0, 5.0, 2.0), 2.0);
}

#[test]
fn percent_encoding_is_strict() {
    assert_eq!(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
    assert_eq!(
        percent_encode("x{a=\"é\"} / 2"),
        "x%7Ba%3D%22%C3%A9%22%7D%20%2F%202"
    );
}
