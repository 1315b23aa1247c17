#pragma once

// What the benchmarks share: the emulator they all talk to, the plugin, the raw-wire baseline,
// side-by-side timing and the rows of the result table.

#include "RedisServer.h"

#include "falcon/plugin/PluginLoader.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPSClientSession.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace Falcon {
namespace Bench {

using Clock = std::chrono::steady_clock;

extern const std::string CLIENT;
extern const std::string SECRET;

/// Where the emulator the contenders share listens: a separate process, pinned to its own core
/// when the machine has two, so that no contender's connection lands beside it by chance.
extern std::string emulatorUrl;
extern std::string emulatorCa;
extern Plugin::PluginLoader* plugin;

/// The benchmarks' own redis-server (password-protected, as deployed), started on first use.
Testing::RedisServer& redisServer();
/// Another one that its clients reach over TLS (rediss://, a CA of the benchmarks' own).
Testing::RedisServer& redisTlsServer();
extern const std::string REDIS_PASSWORD;

Poco::JSON::Object::Ptr connection();
std::string connectionJson();
Poco::JSON::Object::Ptr object(const std::string& json);

/// Latencies of the calls of one benchmark run, in microseconds.
class Latencies
{
public:
	void add(Clock::duration d) { _samples.push_back(std::chrono::duration<double, std::micro>(d).count()); }

	void report(benchmark::State& state, const std::string& prefix)
	{
		if (_samples.empty()) return;
		std::sort(_samples.begin(), _samples.end());
		state.counters[prefix + "p50_us"] = _samples[_samples.size() / 2];
		state.counters[prefix + "p99_us"] = _samples[std::min(_samples.size() - 1, _samples.size() * 99 / 100)];
	}

private:
	std::vector<double> _samples;
};

/// A bare keep-alive Poco HTTPS client: the raw wire, no plugin.
class RawWire
{
public:
	RawWire();
	std::string post(const std::string& path, const std::string& body, const std::string& authorization = "");

private:
	std::unique_ptr<Poco::Net::HTTPSClientSession> _session;
};

const Plugin::Action& action(const std::string& name);
Plugin::ActionResult invoke(
	const std::string& name, const Poco::JSON::Object::Ptr& input, const Poco::JSON::Object::Ptr& with);

using Call = std::function<bool()>;

/// Side by side: each iteration makes the baseline call and the contender's call back to back,
/// in alternating order, so both see the same machine at the same moment. Latencies of each go
/// to their own counters (base_p50_us... and p50_us...).
void pairedLoop(benchmark::State& state, const Call& baseline, const Call& contender);
/// The plugin's action through Action::invoke, with the same input each call.
Call pluginCall(const std::string& name, const std::string& input);
/// The plugin's action through its C interface (falcon_plugin_invoke: JSON text in and out),
/// as a host written in C calls it; true when it answers 201.
Call cAbiCall(const std::string& name, const std::string& input);
/// The median latency of `calls` calls of `call`, in microseconds; nothing when one failed.
std::optional<double> p50Of(const Call& call, int calls);
/// The same form POSTed on a bare keep-alive Poco session: the raw wire.
Call rawCall(const std::shared_ptr<RawWire>& wire, const std::string& path, const std::string& form,
	const std::string& authorization = "");

/// One line of the result table (and one entry of its JSON).
struct Row
{
	std::string measure;
	std::string contender;
	std::string median;
	std::string p99;
	double ratio = 0; ///< 0: none
	std::string target;
	std::string verdict; ///< "pass", "FAIL", or "" (reported only)
	Poco::JSON::Object::Ptr figures = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
};

std::string inMicroseconds(double value);
/// The middle value (the upper one of an even count).
double median(std::vector<double> values);

/// The per-call benchmarks (token mint, C ABI, revoke, cached token, schema validation),
/// registered with Google Benchmark.
void registerCallBenchmarks();

/// Whole-run scenarios, each measured against its baseline in the same run.
Row singleFlight(double seconds);
/// The cached token's throughput on many threads against one, beside the machine's own scaling
/// of work that shares nothing, in alternating slices.
std::vector<Row> cachedTokenScaling();
std::vector<Row> workflowOverhead();
std::vector<Row> coldStart();
std::vector<Row> concurrentProcesses();
/// The Python package: per call against the C ABI called from C (in slices that alternate
/// with it), and a cold interpreter minting against curl.
std::vector<Row> pythonPackage();
/// FalconPy's service classes on the bridge's tokens against FalconPy's own tokens: token
/// requests of a stale-token herd, a data call's time, the mints of 20 processes.
std::vector<Row> falconPyBridge();
/// The simulated fleet (tests/fleet/fleet.py, needs root): its mints per renewal period and wall
/// time; no rows without root.
std::vector<Row> fleetRun();

}
} // namespace Falcon::Bench
