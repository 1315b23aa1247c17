// falcon-bench: the plugin against the limits of the wire, side by side in one run.
//
// Every contender talks to the same falcon-emulator (a separate process on its own core) on 127.0.0.1 over TLS with
// keep-alive. Per-call loops run under Google Benchmark; each records its calls' latencies so
// the table can show median and p99. Whole-process figures come from /usr/bin/time -v.
// Prints a table and writes the same figures as JSON (argv[1], default bench-results.json).

#include "EmulatorProcess.h"
#include "FalconEmulator.h"

#include "falcon/oauth2/BasicCredentials.h"
#include "falcon/plugin/PluginLoader.h"
#include "falcon/plugin/SchemaValidator.h"
#include "workflow/WorkflowLoader.h"
#include "workflow/WorkflowRunner.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>

#include <sys/stat.h>

#include <benchmark/benchmark.h>

#include <dlfcn.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

using namespace std::chrono;
using Clock = steady_clock;

namespace {

const std::string CLIENT = "benchclient0123456789abcdef01234";
const std::string SECRET = "bench-secret-value";

/// Where the emulator the contenders share listens: a separate process, pinned to its own core
/// when the machine has two, so that no contender's connection lands beside it by chance.
std::string emulatorUrl;
std::string emulatorCa;
Falcon::Plugin::PluginLoader* plugin = nullptr;

Poco::JSON::Object::Ptr connection()
{
	Poco::JSON::Object::Ptr connection = new Poco::JSON::Object;
	connection->set("base_url", emulatorUrl);
	connection->set("client_id", CLIENT);
	connection->set("client_secret", SECRET);
	connection->set("ca_bundle", emulatorCa);
	return connection;
}

std::string connectionJson()
{
	std::ostringstream out;
	connection()->stringify(out);
	return out.str();
}

Poco::JSON::Object::Ptr object(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

/// Latencies of the calls of one benchmark run, in microseconds.
class Latencies
{
public:
	void add(Clock::duration d) { _samples.push_back(duration<double, std::micro>(d).count()); }

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
	RawWire()
	{
		Poco::Net::Context::Params params;
		params.caLocation = emulatorCa;
		params.loadDefaultCAs = false;
		params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
		const Poco::URI uri(emulatorUrl);
		_session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
			new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
		_session->setKeepAlive(true);
	}

	std::string post(const std::string& path, const std::string& body, const std::string& authorization = "")
	{
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
		request.setContentType("application/x-www-form-urlencoded");
		request.setContentLength(static_cast<std::streamsize>(body.size()));
		if (!authorization.empty()) request.set("Authorization", authorization);
		request.setKeepAlive(true);
		_session->sendRequest(request) << body;
		Poco::Net::HTTPResponse response;
		std::string reply;
		Poco::StreamCopier::copyToString(_session->receiveResponse(response), reply);
		return reply;
	}

private:
	std::unique_ptr<Poco::Net::HTTPSClientSession> _session;
};

const Falcon::Plugin::Action& action(const std::string& name)
{
	return *plugin->find(name);
}

Falcon::Plugin::ActionResult invoke(const std::string& name, const Poco::JSON::Object::Ptr& input, const Poco::JSON::Object::Ptr& with)
{
	const Falcon::Plugin::ActionContext context(with, Poco::Logger::get("bench"), Clock::now() + seconds(30));
	return action(name).invoke(input, context);
}

using Call = std::function<bool()>;

/// Side by side: each iteration makes the baseline call and the contender's call back to back,
/// in alternating order, so both see the same machine at the same moment. Latencies of each go
/// to their own counters (base_p50_us... and p50_us...).
void pairedLoop(benchmark::State& state, const Call& baseline, const Call& contender)
{
	Latencies base, ours;
	auto timed = [](const Call& call, Latencies& into) {
		const auto started = Clock::now();
		const bool ok = call();
		into.add(Clock::now() - started);
		return ok;
	};
	bool contenderFirst = false;
	for (auto _ : state)
	{
		const bool ok = contenderFirst ? timed(contender, ours) && timed(baseline, base) : timed(baseline, base) && timed(contender, ours);
		contenderFirst = !contenderFirst;
		if (!ok) state.SkipWithError("a call failed");
	}
	base.report(state, "base_");
	ours.report(state, "");
}

/// The plugin's action through Action::invoke, with the same input each call.
Call pluginCall(const std::string& name, const std::string& input)
{
	const auto with = connection();
	const auto given = object(input);
	return [=] { return invoke(name, given, with).ok(); };
}

/// The same form POSTed on a bare keep-alive Poco session: the raw wire.
Call rawCall(const std::shared_ptr<RawWire>& wire, const std::string& path, const std::string& form, const std::string& authorization = "")
{
	return [=] { return !wire->post(path, form, authorization).empty(); };
}

const std::string TOKEN_FORM = "client_id=" + CLIENT + "&client_secret=" + SECRET;

// 1. Token mint (force: a new token each call), plugin vs raw wire.
void TokenMint(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM), pluginCall("token", "{\"force\": true}"));
}

// Control: the raw wire against itself on a second connection, to show what pairing alone costs.
void RawPair(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM), rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM));
}

// 2. The same through the C interface (JSON in, JSON out).
void CAbiTokenMint(benchmark::State& state)
{
	void* module = dlopen(FALCON_PLUGIN_MODULE, RTLD_NOW | RTLD_LOCAL);
	using Invoke = char* (*)(const char*, const char*, const char*);
	using Free = void (*)(char*);
	Invoke invokeC;
	Free release;
	*reinterpret_cast<void**>(&invokeC) = dlsym(module, "falcon_plugin_invoke");
	*reinterpret_cast<void**>(&release) = dlsym(module, "falcon_plugin_free");
	const std::string with = connectionJson();
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM), [&] {
		char* out = invokeC("oauth2AccessToken", "{\"force\": true}", with.c_str());
		const bool ok = out && std::strstr(out, "\"status_code\":201") != nullptr;
		release(out);
		return ok;
	});
	dlclose(module);
}

// 8. Revoke, plugin vs raw wire.
void Revoke(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/revoke", "token=not-a-real-token", "basic " + Falcon::OAuth2::basicCredentials(CLIENT, SECRET)),
		pluginCall("revoke", "{\"token\": \"not-a-real-token\"}"));
}

// 3. The cached token, in-process, on 1..16 threads.
void CachedToken(benchmark::State& state)
{
	static const auto with = connection();
	static const auto input = object("{}");
	for (auto _ : state)
	{
		const auto result = invoke("token", input, with);
		if (!result.ok()) state.SkipWithError("token failed");
	}
	state.SetItemsProcessed(state.iterations());
}

// 7. Input validation with compiled schemas.
void SchemaValidation(benchmark::State& state)
{
	static const Falcon::Plugin::SchemaValidator validator(action("token").inputSchema());
	const auto input = object("{\"member_cid\": \"abcdef0123456789abcdef0123456789\", \"force\": true}");
	for (auto _ : state) benchmark::DoNotOptimize(validator.validate(input, "input"));
	state.SetItemsProcessed(state.iterations());
}

/// Keeps every run Google Benchmark reports, and prints them as usual.
class CollectingReporter: public benchmark::ConsoleReporter
{
public:
	void ReportRuns(const std::vector<Run>& runs) override
	{
		for (const auto& run : runs) collected.push_back(run);
		ConsoleReporter::ReportRuns(runs);
	}

	/// By the name it was registered under (the reported name adds "/min_time:..." and the like).
	const Run* find(const std::string& name) const
	{
		for (const auto& run : collected)
		{
			const std::string reported = run.benchmark_name();
			if (reported == name || reported.rfind(name + "/", 0) == 0) return &run;
		}
		return nullptr;
	}

	std::vector<Run> collected;
};

struct Row
{
	std::string measure;
	std::string contender;
	std::string median;
	std::string p99;
	double ratio = 0;       ///< 0: none
	std::string target;
	std::string verdict;    ///< "pass", "FAIL", or "" (reported only)
	Poco::JSON::Object::Ptr figures = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
};

std::string inMicroseconds(double value)
{
	std::ostringstream out;
	out << std::fixed << std::setprecision(value < 10 ? 2 : 0) << value << " us";
	return out.str();
}

double counter(const benchmark::BenchmarkReporter::Run& run, const std::string& name)
{
	const auto it = run.counters.find(name);
	return it == run.counters.end() ? 0 : static_cast<double>(it->second);
}

/// Rows for a paired run: the baseline's and the contender's median and p99, the ratio of medians.
void latencyRows(const CollectingReporter& reporter, std::vector<Row>& rows, const std::string& measure, const std::string& benchmarkName,
	const std::string& baseline, const std::string& contender, double target)
{
	const auto* run = reporter.find(benchmarkName);
	if (!run) return;
	Row base;
	base.measure = measure;
	base.contender = baseline + " (baseline)";
	base.median = inMicroseconds(counter(*run, "base_p50_us"));
	base.p99 = inMicroseconds(counter(*run, "base_p99_us"));
	base.figures->set("p50_us", counter(*run, "base_p50_us"));
	base.figures->set("p99_us", counter(*run, "base_p99_us"));
	rows.push_back(base);
	Row row;
	row.measure = measure;
	row.contender = contender;
	row.median = inMicroseconds(counter(*run, "p50_us"));
	row.p99 = inMicroseconds(counter(*run, "p99_us"));
	row.ratio = counter(*run, "p50_us") / counter(*run, "base_p50_us");
	std::ostringstream goal;
	goal << "<= " << target << "x";
	row.target = goal.str();
	row.verdict = row.ratio <= target ? "pass" : "FAIL";
	row.figures->set("p50_us", counter(*run, "p50_us"));
	row.figures->set("p99_us", counter(*run, "p99_us"));
	row.figures->set("ratio_to_baseline", row.ratio);
	rows.push_back(row);
}

/// 4. Single flight: many callers, a token that goes stale every second.
Row singleFlight(double seconds)
{
	Falcon::Emulator::EmulatorOptions options;
	options.clouds = {"us-1"};
	options.clients.add({CLIENT, SECRET, "us-1", {}, {}});
	options.expiresIn = std::chrono::seconds(121); // with the 120 s window: stale 1 s after issue
	options.rateLimit = 1000000;
	Falcon::Emulator::FalconEmulator shortLived(options);
	shortLived.start();
	Poco::JSON::Object::Ptr with = new Poco::JSON::Object;
	with->set("base_url", shortLived.baseUrl("us-1"));
	with->set("client_id", CLIENT);
	with->set("client_secret", SECRET);
	with->set("ca_bundle", shortLived.caFile());
	const auto input = object("{}");
	std::atomic<bool> stop{false};
	std::atomic<unsigned long> calls{0}, failures{0};
	std::vector<std::thread> threads;
	const auto started = Clock::now();
	for (int i = 0; i < 64; ++i)
	{
		threads.emplace_back([&] {
			while (!stop.load())
			{
				if (!invoke("token", input, with).ok()) ++failures;
				++calls;
			}
		});
	}
	std::this_thread::sleep_for(duration<double>(seconds));
	stop = true;
	for (auto& thread : threads) thread.join();
	const double elapsed = duration<double>(Clock::now() - started).count();
	const unsigned long requests = shortLived.log().counters().tokenRequests;
	const unsigned long periods = static_cast<unsigned long>(std::ceil(elapsed));
	Row row;
	row.measure = "4 single flight";
	row.contender = "64 threads, " + std::to_string(static_cast<int>(seconds)) + " s, stale every 1 s";
	row.median = std::to_string(calls.load()) + " calls";
	row.p99 = std::to_string(requests) + " token requests";
	row.target = "requests ~ " + std::to_string(periods) + " periods";
	row.verdict = requests <= periods + 1 && failures == 0 ? "pass" : "FAIL";
	row.figures->set("calls", static_cast<Poco::UInt64>(calls.load()));
	row.figures->set("failures", static_cast<Poco::UInt64>(failures.load()));
	row.figures->set("token_requests", static_cast<Poco::UInt64>(requests));
	row.figures->set("refresh_periods", static_cast<Poco::UInt64>(periods));
	return row;
}

/// 6. A 100-step workflow against the same 100 actions invoked directly.
std::vector<Row> workflowOverhead()
{
	std::string yaml = "version: 1\nname: hundred\nsteps:\n";
	for (int i = 0; i < 100; ++i) yaml += "  - {id: s" + std::to_string(i) + ", action: token, with: {" + std::string(std::getenv("FALCON_BENCH_CACHED") ? "" : "force: true") + "}}\n";
	const Falcon::Workflow::WorkflowLoader loader([](const std::string& name) { return plugin->find(name); });
	const auto workflow = loader.loadText(yaml, "hundred.yaml");
	const auto with = connection();
	const auto input = object(std::getenv("FALCON_BENCH_CACHED") ? "{}" : "{\"force\": true}");
	std::vector<double> direct, flowing, ratios;
	for (int round = 0; round < 9; ++round)
	{
		auto started = Clock::now();
		for (int i = 0; i < 100; ++i) invoke("token", input, with);
		direct.push_back(duration<double, std::micro>(Clock::now() - started).count() / 100);
		Falcon::Workflow::RunOptions options;
		options.connection = with;
		options.logger = &Poco::Logger::get("bench");
		Falcon::Workflow::WorkflowRunner runner(workflow, options);
		started = Clock::now();
		runner.run();
		flowing.push_back(duration<double, std::micro>(Clock::now() - started).count() / 100);
		ratios.push_back(flowing.back() / direct.back());
	}
	// Each round compares the two side by side; the median round is the figure.
	std::sort(direct.begin(), direct.end());
	std::sort(flowing.begin(), flowing.end());
	std::sort(ratios.begin(), ratios.end());
	const double action = direct[4], step = flowing[4];
	const double overhead = ratios[4] - 1;
	Row base;
	base.measure = "6 workflow";
	base.contender = "100 actions invoked directly (per action)";
	base.median = inMicroseconds(action);
	base.figures->set("per_action_us", action);
	Row row;
	row.measure = "6 workflow";
	row.contender = "100-step workflow (per step)";
	row.median = inMicroseconds(step);
	row.ratio = ratios[4];
	std::ostringstream goal;
	goal << "overhead <= 10% (" << std::fixed << std::setprecision(1) << overhead * 100 << "%)";
	row.target = goal.str();
	row.verdict = overhead <= 0.10 ? "pass" : "FAIL";
	row.figures->set("per_step_us", step);
	row.figures->set("overhead_fraction", overhead);
	return {base, row};
}

struct ProcessFigures
{
	double wallMs = 0;
	long maxRssKb = 0;
	bool ok = false;
};

/// Runs a command under /usr/bin/time -v: wall time measured here, peak RSS from time's report.
ProcessFigures measureProcess(const std::string& command, const std::vector<std::string>& arguments, const Poco::Process::Env& env)
{
	std::vector<std::string> timed{"-v", command};
	timed.insert(timed.end(), arguments.begin(), arguments.end());
	Poco::Pipe outPipe, errPipe;
	const auto started = Clock::now();
	Poco::ProcessHandle handle = Poco::Process::launch("/usr/bin/time", timed, "", nullptr, &outPipe, &errPipe, env);
	std::string out, err;
	std::thread drain([&] { Poco::PipeInputStream in(errPipe); Poco::StreamCopier::copyToString(in, err); });
	Poco::PipeInputStream in(outPipe);
	Poco::StreamCopier::copyToString(in, out);
	drain.join();
	const int status = handle.wait();
	ProcessFigures figures;
	figures.wallMs = duration<double, std::milli>(Clock::now() - started).count();
	const auto at = err.find("Maximum resident set size (kbytes): ");
	if (at != std::string::npos) figures.maxRssKb = std::stol(err.substr(at + 36));
	figures.ok = status == 0 && out.find("201") != std::string::npos;
	return figures;
}

/// 5. Cold start: a whole falcon-host process against curl doing the same POST.
std::vector<Row> coldStart()
{
	const std::string formFile = Poco::TemporaryFile::tempName();
	{
		Poco::FileOutputStream out(formFile);
		out << "client_id=" << CLIENT << "&client_secret=" << SECRET;
	}
	::chmod(formFile.c_str(), 0600);
	Poco::Process::Env env;
	env["FALCON_BASE_URL"] = emulatorUrl;
	env["FALCON_CA_BUNDLE"] = emulatorCa;
	env["FALCON_CLIENT_ID"] = CLIENT;
	env["FALCON_CLIENT_SECRET"] = SECRET;
	std::vector<double> host, curl;
	long hostRss = 0, curlRss = 0;
	bool ok = true;
	for (int i = 0; i < 15; ++i)
	{
		const auto h = measureProcess(FALCON_HOST_BINARY, {"--plugin", FALCON_PLUGIN_MODULE, "run", "oauth2AccessToken", "--input", "{\"force\": true}"}, env);
		const auto c = measureProcess("curl", {"-sS", "--cacert", emulatorCa, "--data-binary", "@" + formFile, emulatorUrl + "/oauth2/token", "-w", "%{http_code}"}, {});
		ok = ok && h.ok && c.ok;
		host.push_back(h.wallMs);
		curl.push_back(c.wallMs);
		hostRss = std::max(hostRss, h.maxRssKb);
		curlRss = std::max(curlRss, c.maxRssKb);
	}
	Poco::File(formFile).remove();
	std::sort(host.begin(), host.end());
	std::sort(curl.begin(), curl.end());
	const double hostMs = host[host.size() / 2], curlMs = curl[curl.size() / 2];
	auto ms = [](double value) { std::ostringstream out; out << std::fixed << std::setprecision(1) << value << " ms"; return out.str(); };
	Row base;
	base.measure = "5 cold start";
	base.contender = "curl POST /oauth2/token (baseline)";
	base.median = ms(curlMs);
	base.p99 = std::to_string(curlRss / 1024) + " MB peak RSS";
	base.figures->set("wall_ms", curlMs);
	base.figures->set("max_rss_kb", static_cast<Poco::Int64>(curlRss));
	Row row;
	row.measure = "5 cold start";
	row.contender = "falcon-host run oauth2AccessToken";
	row.median = ms(hostMs);
	row.p99 = std::to_string(hostRss / 1024) + " MB peak RSS";
	row.ratio = hostMs / curlMs;
	row.target = "<= 3x curl, <= 20 MB";
	row.verdict = ok && row.ratio <= 3 && hostRss <= 20 * 1024 ? "pass" : "FAIL";
	row.figures->set("wall_ms", hostMs);
	row.figures->set("max_rss_kb", static_cast<Poco::Int64>(hostRss));
	row.figures->set("ratio_to_curl", row.ratio);
	return {base, row};
}

} // namespace

int main(int argc, char** argv)
{
	const std::string jsonPath = argc > 1 ? argv[1] : "bench-results.json";
	const double singleFlightSeconds = argc > 2 ? std::stod(argv[2]) : 10;

	// The shared emulator runs as its own process on core 0; this process keeps to core 1.
	const bool twoCores = std::thread::hardware_concurrency() >= 2 && Poco::File("/usr/bin/taskset").exists();
	std::unique_ptr<Falcon::Testing::EmulatorProcess> emulator;
	try
	{
		emulator = std::make_unique<Falcon::Testing::EmulatorProcess>(FALCON_EMULATOR_BINARY, CLIENT, SECRET,
			std::vector<std::string>{"--rate-limit", "1000000"}, twoCores ? 0 : -1);
	}
	catch (const Poco::Exception& e)
	{
		std::cerr << "falcon-bench: " << e.displayText() << "\n";
		return 1;
	}
	emulatorUrl = emulator->baseUrl();
	emulatorCa = emulator->caFile();
	Falcon::Plugin::PluginLoader loader;
	loader.load(FALCON_PLUGIN_MODULE);
	plugin = &loader;

	benchmark::RegisterBenchmark("raw_pair", RawPair)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("token_mint", TokenMint)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("c_abi_token_mint", CAbiTokenMint)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("revoke", Revoke)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("cached_token", CachedToken)->Threads(1)->Threads(2)->Threads(4)->Threads(16)->UseRealTime();
	benchmark::RegisterBenchmark("schema_validation", SchemaValidation);
	// Warm up both paths (connections, TLS, the emulator's threads and token store) before any
	// figure is taken, so that the first contender does not pay for everyone's start.
	{
		RawWire wire;
		const auto with = connection();
		const auto force = object("{\"force\": true}");
		for (int i = 0; i < 300; ++i)
		{
			wire.post("/oauth2/token", "client_id=" + CLIENT + "&client_secret=" + SECRET);
			invoke("token", force, with);
		}
	}

	// FALCON_BENCH_ONLY=NAME runs that benchmark alone (for profiling), without the scenarios;
	// FALCON_BENCH_ONLY=workflow runs the workflow scenario alone.
	const char* only = std::getenv("FALCON_BENCH_ONLY");
	if (only && std::string(only) == "workflow")
	{
		for (const auto& row : workflowOverhead()) std::cout << row.contender << ": " << row.median << "\n";
		return 0;
	}
	std::string filter = std::string("--benchmark_filter=") + (only ? only : ".");
	char* benchmarkArgv[] = {argv[0], filter.data()};
	int benchmarkArgc = 2;
	benchmark::Initialize(&benchmarkArgc, benchmarkArgv);
	CollectingReporter reporter;
	if (only)
	{
		benchmark::RunSpecifiedBenchmarks(&reporter);
		return 0;
	}
	// In-process figures first, on every core: the cached path's scaling is the point there.
	benchmark::RunSpecifiedBenchmarks(&reporter, "^(cached_token|schema_validation)");
	// Then everything that talks to the emulator, kept off the emulator's core.
	if (twoCores)
	{
		cpu_set_t cores;
		CPU_ZERO(&cores);
		CPU_SET(1, &cores);
		sched_setaffinity(0, sizeof(cores), &cores);
	}
	benchmark::RunSpecifiedBenchmarks(&reporter, "^(raw_pair|token_mint|c_abi_token_mint|revoke)");

	std::vector<Row> rows;
	// The control: the raw wire against itself on two connections. Its ratio is the bias of a
	// side-by-side comparison on this machine (where each connection lands); near 1.00 means the pairs can be trusted.
	latencyRows(reporter, rows, "0 control", "raw_pair", "raw POST, first connection", "raw POST, second connection", 1.25);
	if (!rows.empty() && rows.back().measure == "0 control") rows.back().verdict = "";
	latencyRows(reporter, rows, "1 token mint", "token_mint", "raw POST /oauth2/token", "Action::invoke oauth2AccessToken force", 1.25);
	latencyRows(reporter, rows, "2 token mint, C ABI", "c_abi_token_mint", "raw POST /oauth2/token", "falcon_plugin_invoke oauth2AccessToken", 1.35);
	for (const auto& run : reporter.collected)
	{
		if (run.benchmark_name().rfind("cached_token", 0) != 0) continue;
		Row row;
		row.measure = "3 cached token";
		row.contender = run.benchmark_name();
		const double perCall = run.GetAdjustedRealTime() / 1000.0 * static_cast<double>(run.threads); // ns -> us, per thread
		row.median = inMicroseconds(perCall) + " per call";
		row.p99 = std::to_string(static_cast<long long>(counter(run, "items_per_second"))) + " calls/s";
		if (run.threads == 1)
		{
			row.target = "<= 5 us per call";
			row.verdict = perCall <= 5 ? "pass" : "FAIL";
		}
		row.figures->set("threads", run.threads);
		row.figures->set("us_per_call_per_thread", perCall);
		row.figures->set("calls_per_second", counter(run, "items_per_second"));
		rows.push_back(row);
	}
	if (const auto* validation = reporter.find("schema_validation"))
	{
		Row row;
		row.measure = "7 schema validation";
		row.contender = "token input, compiled schema";
		row.median = inMicroseconds(validation->GetAdjustedCPUTime() / 1000.0) + " per input";
		row.p99 = std::to_string(static_cast<long long>(counter(*validation, "items_per_second"))) + " inputs/s";
		row.figures->set("inputs_per_second", counter(*validation, "items_per_second"));
		rows.push_back(row);
	}
	latencyRows(reporter, rows, "8 revoke", "revoke", "raw POST /oauth2/revoke", "Action::invoke oauth2RevokeToken", 1.25);
	rows.push_back(singleFlight(singleFlightSeconds));
	for (auto& row : workflowOverhead()) rows.push_back(row);
	for (auto& row : coldStart()) rows.push_back(row);

	std::cout << "\n" << std::left << std::setw(20) << "measure" << std::setw(44) << "contender" << std::setw(22) << "median"
	          << std::setw(22) << "p99 / other" << std::setw(8) << "ratio" << std::setw(34) << "target" << "result\n"
	          << std::string(158, '-') << "\n";
	Poco::JSON::Array::Ptr json = new Poco::JSON::Array;
	bool allPass = true;
	for (const auto& row : rows)
	{
		std::ostringstream ratio;
		if (row.ratio > 0) ratio << std::fixed << std::setprecision(2) << row.ratio;
		std::cout << std::setw(20) << row.measure << std::setw(44) << row.contender << std::setw(22) << row.median << std::setw(22) << row.p99
		          << std::setw(8) << ratio.str() << std::setw(34) << row.target << row.verdict << "\n";
		allPass = allPass && row.verdict != "FAIL";
		Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		entry->set("measure", row.measure);
		entry->set("contender", row.contender);
		entry->set("figures", row.figures);
		entry->set("target", row.target);
		entry->set("result", row.verdict);
		json->add(entry);
	}
	Poco::FileOutputStream out(jsonPath);
	json->stringify(out, 2);
	std::cout << "\nfigures written to " << jsonPath << (allPass ? "; every target met" : "; some targets missed") << "\n";
	plugin = nullptr;
	loader.unload();
	return 0;
}
