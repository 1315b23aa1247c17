// falcon-soak: concurrent token and revoke calls through the plugin against an emulator that
// fails a share of them at random, for a bounded time. Passes when every call is accounted for,
// the emulator counted exactly what the client saw, and neither memory nor open descriptors
// grew between the first and the last tenth of the run.

#include "EmulatorProcess.h"
#include "ProcessFootprint.h"

#include "falcon/plugin/PluginLoader.h"

#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

using namespace Falcon::Plugin;
using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

const std::string CLIENT = "soakclient0123456789abcdef012345";
const std::string SECRET = "soak/Secret+value=1";
// The faults drawn at random. Each makes the call fail in one known way and reaches the
// emulator's counters exactly once; the matrix test covers every other fault one by one.
const std::string RANDOM_FAULTS = "500,502,503";

struct Settings
{
	double seconds = 60;
	unsigned threads = 8;
	double faultRate = 0.05;
};

struct Tally
{
	unsigned long calls = 0;
	unsigned long succeeded = 0;
	std::map<std::string, unsigned long> failedByKind;

	unsigned long failedAs(const std::string& kind) const
	{
		const auto it = failedByKind.find(kind);
		return it == failedByKind.end() ? 0 : it->second;
	}

	unsigned long failed() const
	{
		unsigned long total = 0;
		for (const auto& entry : failedByKind) total += entry.second;
		return total;
	}
};

const char* USAGE =
	"usage: falcon-soak [--seconds N (default 60)] [--threads N (default 8)] [--fault-rate R (default 0.05)]";

double numberAfter(int& i, int argc, char** argv, double min, double max)
{
	const std::string flag = argv[i];
	double value = 0;
	if (++i >= argc || !Poco::NumberParser::tryParseFloat(argv[i], value) || value < min || value > max)
		throw std::invalid_argument(
			flag + ": expected a number from " + std::to_string(min) + " to " + std::to_string(max));
	return value;
}

Settings parse(int argc, char** argv)
{
	Settings settings;
	for (int i = 1; i < argc; ++i)
	{
		const std::string flag = argv[i];
		if (flag == "--seconds") settings.seconds = numberAfter(i, argc, argv, 1, 86400);
		else if (flag == "--threads") settings.threads = static_cast<unsigned>(numberAfter(i, argc, argv, 1, 256));
		else if (flag == "--fault-rate") settings.faultRate = numberAfter(i, argc, argv, 0, 0.5);
		else throw std::invalid_argument("unknown argument '" + flag + "'");
	}
	return settings;
}

class Soak
{
public:
	Soak(const Settings& settings, const EmulatorProcess& emulator, const PluginLoader& plugin):
		_settings(settings), _plugin(plugin), _connection(new Poco::JSON::Object)
	{
		_connection->set("base_url", emulator.baseUrl());
		_connection->set("ca_bundle", emulator.caFile());
		_connection->set("client_id", CLIENT);
		_connection->set("client_secret", SECRET);
		_connection->set("call_timeout_s", 10);
		// One call, one request: the emulator's counters can then be matched call for call.
		_connection->set("max_retries", 0);
	}

	void run()
	{
		const auto until =
			steady_clock::now() + duration_cast<steady_clock::duration>(duration<double>(_settings.seconds));
		std::vector<std::thread> callers;
		for (unsigned i = 0; i < _settings.threads; ++i) callers.emplace_back([this, until] { callUntil(until); });
		// Sample the footprint ten times a second until the callers are done.
		while (steady_clock::now() < until)
		{
			_samples.push_back(ProcessFootprint::now());
			std::this_thread::sleep_for(milliseconds(100));
		}
		for (auto& caller : callers) caller.join();
	}

	const Tally& token() const { return _token; }
	const Tally& revoke() const { return _revoke; }
	const std::vector<ProcessFootprint>& samples() const { return _samples; }

private:
	void callUntil(steady_clock::time_point until)
	{
		const Action* token = _plugin.find("token");
		const Action* revoke = _plugin.find("revoke");
		const Poco::JSON::Object::Ptr force =
			Poco::JSON::Parser().parse(R"({"force": true})").extract<Poco::JSON::Object::Ptr>();
		while (steady_clock::now() < until)
		{
			const ActionContext context(
				_connection, Poco::Logger::get("falcon.soak"), ActionContext::Clock::now() + seconds(10));
			const ActionResult issued = token->invoke(force, context);
			record(_token, issued);
			if (!issued.ok()) continue;
			Poco::JSON::Object::Ptr input = new Poco::JSON::Object;
			input->set("token", issued.output()->getObject("body")->getValue<std::string>("access_token"));
			record(_revoke, revoke->invoke(input, context));
		}
	}

	void record(Tally& tally, const ActionResult& result)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		++tally.calls;
		if (result.ok()) ++tally.succeeded;
		else ++tally.failedByKind[result.errorKind()];
	}

	const Settings _settings;
	const PluginLoader& _plugin;
	Poco::JSON::Object::Ptr _connection;
	std::mutex _mutex;
	Tally _token;
	Tally _revoke;
	std::vector<ProcessFootprint> _samples;
};

/// The largest value over a slice of the samples.
template <typename Field>
unsigned long peak(const std::vector<ProcessFootprint>& samples, std::size_t from, std::size_t to, Field field)
{
	unsigned long most = 0;
	for (std::size_t i = from; i < to; ++i) most = std::max(most, samples[i].*field);
	return most;
}

class Verdict
{
public:
	void check(bool holds, const std::string& what)
	{
		std::cout << (holds ? "  pass  " : "  FAIL  ") << what << "\n";
		_failed = _failed || !holds;
	}
	bool failed() const { return _failed; }

private:
	bool _failed = false;
};

std::string kinds(const Tally& tally)
{
	std::string text;
	for (const auto& entry : tally.failedByKind)
		text += (text.empty() ? "" : ", ") + entry.first + " " + std::to_string(entry.second);
	return text.empty() ? "none" : text;
}

} // namespace

int main(int argc, char** argv)
{
	Settings settings;
	try
	{
		settings = parse(argc, argv);
	}
	catch (const std::invalid_argument& e)
	{
		std::cerr << "falcon-soak: " << e.what() << "\n" << USAGE << "\n";
		return 2;
	}
	try
	{
		const bool twoCores = std::thread::hardware_concurrency() >= 2;
		std::ostringstream rate;
		rate << settings.faultRate << ":" << RANDOM_FAULTS;
		EmulatorProcess emulator(FALCON_EMULATOR_BINARY, CLIENT, SECRET,
			{"--rate-limit", "1000000", "--random-faults", rate.str()}, twoCores ? 0 : -1);
		PluginLoader plugin;
		plugin.load(FALCON_PLUGIN_MODULE);

		std::cout << "falcon-soak: " << settings.seconds << " s, " << settings.threads << " threads, "
				  << settings.faultRate * 100 << "% of requests failing (" << RANDOM_FAULTS << ")" << std::endl;
		Soak soak(settings, emulator, plugin);
		soak.run();
		const auto stats = emulator.stats();
		const auto counter = [&](const char* name) { return stats->getValue<unsigned long>(name); };

		const Tally& token = soak.token();
		const Tally& revoke = soak.revoke();
		std::cout << "token:  " << token.calls << " calls, " << token.succeeded << " ok, failed: " << kinds(token)
				  << "\n"
				  << "revoke: " << revoke.calls << " calls, " << revoke.succeeded << " ok, failed: " << kinds(revoke)
				  << "\n"
				  << "emulator: " << counter("token_requests") << " token requests, " << counter("tokens_issued")
				  << " issued, " << counter("revoke_requests") << " revoke requests, " << counter("revocations")
				  << " revoked, " << counter("faults") << " faults injected\n";

		Verdict verdict;
		const auto expectedOnly = [](const Tally& tally) {
			return tally.succeeded + tally.failedAs("server_error") == tally.calls;
		};
		verdict.check(token.calls > 0 && revoke.calls > 0, "both actions were called");
		verdict.check(expectedOnly(token) && expectedOnly(revoke),
			"every call accounted for: succeeded + failed as injected (server_error) = calls made");
		verdict.check(counter("token_requests") == token.calls && counter("revoke_requests") == revoke.calls,
			"the emulator received exactly the calls made");
		verdict.check(counter("tokens_issued") == token.succeeded && counter("revocations") == revoke.succeeded,
			"the emulator issued and revoked exactly what the client saw succeed");
		verdict.check(counter("faults") == token.failed() + revoke.failed(),
			"every injected fault surfaced as one failed call, and no other call failed");

		// The first and the last tenth of the samples: nothing may keep growing.
		const auto& samples = soak.samples();
		const std::size_t tenth = std::max<std::size_t>(1, samples.size() / 10);
		const unsigned long filesEarly = peak(samples, 0, tenth, &ProcessFootprint::openFiles);
		const unsigned long filesLate =
			peak(samples, samples.size() - tenth, samples.size(), &ProcessFootprint::openFiles);
		const unsigned long rssEarly = peak(samples, 0, tenth, &ProcessFootprint::residentKiB);
		const unsigned long rssLate =
			peak(samples, samples.size() - tenth, samples.size(), &ProcessFootprint::residentKiB);
		// Allocator noise: arenas and caches settle in steps of a few hundred KiB.
		const unsigned long rssTolerance = std::max(2048ul, rssEarly / 20);
		std::cout << "footprint (peak of first / last tenth): open files " << filesEarly << " / " << filesLate
				  << ", RSS " << rssEarly << " / " << rssLate << " KiB (tolerance " << rssTolerance << " KiB)\n";
		verdict.check(filesLate <= filesEarly, "no growth in open file descriptors");
		verdict.check(rssLate <= rssEarly + rssTolerance, "no growth in resident memory");
		std::cout << (verdict.failed() ? "falcon-soak: FAILED" : "falcon-soak: passed") << std::endl;
		return verdict.failed() ? 1 : 0;
	}
	catch (const Poco::Exception& e)
	{
		std::cerr << "falcon-soak: " << e.displayText() << "\n";
		return 1;
	}
}
