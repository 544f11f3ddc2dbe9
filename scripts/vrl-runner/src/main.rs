//! Compiles a VRL program the way Vector 0.57.0's `remap` transform does and runs it over events.
//!
//! stdin: `{"source": "<vrl>", "events": [{"name": "...", "event": {...}, "metadata": {...}}]}`; a JSON object
//! `{"$timestamp": "<RFC 3339>"}` anywhere in an event stands for a VRL timestamp (JSON has none).
//! stdout: `{"compiled": bool, "errors": "...", "warnings": "...", "warning_count": n, "target_kind": "...",
//! "results": [{"name", "outcome": "ok"|"abort"|"error", "event", "kinds", "error"}]}`.
//! `event` is the resulting event serialized as Vector's JSON encoder does (vrl `Value`'s serde impl);
//! `kinds` maps each top-level field to its VRL kind (`string`, `timestamp`, ...).
//! Exit status: 0 when the program compiled without warnings (and, for a condition, returns a boolean), 1
//! otherwise, 2 on bad input.
use std::collections::BTreeMap;
use std::io::Read;

use vrl::compiler::runtime::{Runtime, Terminate};
use vrl::compiler::state::ExternalEnv;
use vrl::compiler::{CompileConfig, TargetValue, TimeZone, TypeState, compile_with_state};
use vrl::diagnostic::Formatter;
use vrl::owned_metadata_path;
use vrl::value::{Kind, Secrets, Value};

fn to_vrl(v: serde_json::Value) -> Result<Value, String> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => Value::Null,
        J::Bool(b) => b.into(),
        J::Number(n) if n.is_i64() => n.as_i64().unwrap().into(),
        J::Number(n) => Value::from_f64_or_zero(n.as_f64().ok_or("bad number")?),
        J::String(s) => s.into(),
        J::Array(a) => a.into_iter().map(to_vrl).collect::<Result<Vec<_>, _>>()?.into(),
        J::Object(o) => {
            if o.len() == 1 {
                if let Some(J::String(ts)) = o.get("$timestamp") {
                    let t = chrono::DateTime::parse_from_rfc3339(ts).map_err(|e| format!("$timestamp {ts}: {e}"))?;
                    return Ok(Value::Timestamp(t.with_timezone(&chrono::Utc)));
                }
            }
            let mut m = BTreeMap::new();
            for (k, v) in o {
                m.insert(k.into(), to_vrl(v)?);
            }
            Value::Object(m.into_iter().collect())
        }
    })
}

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("read stdin");
    let spec: serde_json::Value = match serde_json::from_str(&input) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("vrl-runner: bad input: {e}");
            std::process::exit(2)
        }
    };
    let source = spec["source"].as_str().unwrap_or_else(|| {
        eprintln!("vrl-runner: input has no \"source\" string");
        std::process::exit(2)
    });

    // Vector 0.57.0, src/transforms/remap.rs `compile_vrl_program` + lib/vector-core/src/vrl.rs `compile_vrl`: the
    // external type state comes from the inputs' merged schema definition; with `schema.enabled` false (the default,
    // and ours) a legacy-namespace source's definition is `Definition::default_legacy_namespace()` (any object, any
    // metadata object; lib/vector-core/src/config/mod.rs `schema_definition`). Metadata `vector` is read-only.
    // A route's (or any) VRL condition compiles with `TypeState::default()` instead (src/conditions/vrl.rs) and
    // must return a boolean: `"type_state": "condition"`.
    let condition = spec["type_state"].as_str() == Some("condition");
    let state = if condition {
        TypeState::default()
    } else {
        TypeState {
            local: Default::default(),
            external: ExternalEnv::new_with_kind(Kind::any_object(), Kind::any_object()),
        }
    };
    let mut config = CompileConfig::default();
    config.set_read_only_path(owned_metadata_path!("vector"), true);
    let fns = vrl::stdlib::all();

    let mut out = serde_json::Map::new();
    let compiled = match compile_with_state(source, &fns, &state, config) {
        Err(diagnostics) => {
            out.insert("compiled".into(), false.into());
            out.insert("errors".into(), Formatter::new(source, diagnostics).to_string().into());
            None
        }
        Ok(result) => {
            out.insert("compiled".into(), true.into());
            out.insert("warning_count".into(), result.warnings.len().into());
            out.insert("warnings".into(), Formatter::new(source, result.warnings).to_string().into());
            out.insert("target_kind".into(), result.program.final_type_info().state.external.target_kind().to_string().into());
            let result_kind = result.program.final_type_info().result;
            out.insert("result_kind".into(), result_kind.kind().to_string().into());
            out.insert("result_is_boolean".into(), result_kind.is_boolean().into());
            out.insert("fallible".into(), result.program.info().fallible.into());
            out.insert("abortable".into(), result.program.info().abortable.into());
            Some(result.program)
        }
    };

    let mut results = Vec::new();
    if let Some(program) = &compiled {
        // Vector's default `timezone` is `local`; the check runs with TZ=UTC like the container.
        let tz = TimeZone::default();
        for case in spec["events"].as_array().cloned().unwrap_or_default() {
            let name = case["name"].as_str().unwrap_or("").to_string();
            let value = to_vrl(case["event"].clone()).unwrap_or_else(|e| {
                eprintln!("vrl-runner: {name}: {e}");
                std::process::exit(2)
            });
            let metadata = to_vrl(case.get("metadata").cloned().unwrap_or(serde_json::json!({}))).unwrap();
            let mut target = TargetValue { value, metadata, secrets: Secrets::new() };
            let mut runtime = Runtime::default();
            let mut r = serde_json::Map::new();
            r.insert("name".into(), name.into());
            match runtime.resolve(&mut target, program, &tz) {
                Ok(returned) => {
                    r.insert("outcome".into(), "ok".into());
                    r.insert("returned".into(), serde_json::to_value(&returned).unwrap());
                    r.insert("event".into(), serde_json::to_value(&target.value).unwrap());
                    if let Value::Object(m) = &target.value {
                        let kinds: serde_json::Map<_, _> = m.iter().map(|(k, v)| (k.to_string(), v.kind_str().into())).collect();
                        r.insert("kinds".into(), kinds.into());
                    }
                }
                Err(Terminate::Abort(e)) => {
                    r.insert("outcome".into(), "abort".into());
                    r.insert("error".into(), e.to_string().into());
                }
                Err(Terminate::Error(e)) => {
                    r.insert("outcome".into(), "error".into());
                    r.insert("error".into(), e.to_string().into());
                }
            }
            results.push(serde_json::Value::Object(r));
        }
    }
    out.insert("results".into(), results.into());
    let ok = compiled.is_some()
        && out["warning_count"].as_u64() == Some(0)
        && (!condition || out["result_is_boolean"].as_bool() == Some(true));
    println!("{}", serde_json::to_string_pretty(&serde_json::Value::Object(out)).unwrap());
    std::process::exit(if ok { 0 } else { 1 });
}
