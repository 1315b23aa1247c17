#include "ConnectProxy.h"
#include "LogCapture.h"
#include "PluginTestKit.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include "CertificateAuthority.h"
#include "falcon/plugin/PluginLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include <pthread.h>

using namespace Falcon::Plugin;
using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

const std::string PROXY_USER = "matrix-proxy-user";
const std::string PROXY_PASSWORD = "Matrix-proxy-Pa55";

/// What a call must end with: an error kind and its retryable flag, or "ok".
struct Outcome
{
	std::string kind;
	bool retryable = false;

	std::string str() const { return kind == "ok" ? kind : kind + (retryable ? " (retryable)" : " (final)"); }
};

const Outcome OK{"ok", false};

/// How a scenario spoils the call: an emulator fault on the action's route (over TLS, or over
/// plain HTTP), or a connection that cannot work (a server certificate from another CA or for
/// another host, a proxy that refuses the credentials).
enum class Spoiler
{
	EmulatorFault,
	PlainHttpFault,
	UnknownCa,
	WrongHostname,
	ProxyRefusesAuth
};

struct Scenario
{
	std::string name;
	Spoiler spoiler;
	std::string fault; ///< for EmulatorFault
	Outcome token;
	Outcome revoke;
};

// Revoke replies carry nothing the client needs: an empty 2xx is a success there, but a garbled
// body or a gateway page is not the API reply.
const std::vector<Scenario> SCENARIOS = {
	{"429, Retryafter in s", Spoiler::EmulatorFault, "429:s", {"rate_limited", true}, {"rate_limited", true}},
	{"429, Retryafter in ms", Spoiler::EmulatorFault, "429:ms", {"rate_limited", true}, {"rate_limited", true}},
	{"500", Spoiler::EmulatorFault, "500", {"server_error", true}, {"server_error", true}},
	{"502", Spoiler::EmulatorFault, "502", {"server_error", true}, {"server_error", true}},
	{"503", Spoiler::EmulatorFault, "503", {"server_error", true}, {"server_error", true}},
	{"delay before headers", Spoiler::EmulatorFault, "delay-headers:3000", {"timeout", true}, {"timeout", true}},
	{"delay mid-body", Spoiler::EmulatorFault, "delay-body:3000", {"timeout", true}, {"timeout", true}},
	// One byte at a time, each well inside the read timeout: only the call's deadline ends these.
	{"trickled headers", Spoiler::EmulatorFault, "trickle-headers:150", {"timeout", true}, {"timeout", true}},
	{"trickled body", Spoiler::EmulatorFault, "trickle-body:150", {"timeout", true}, {"timeout", true}},
	{"trickled headers, http", Spoiler::PlainHttpFault, "trickle-headers:150", {"timeout", true}, {"timeout", true}},
	{"trickled body, http", Spoiler::PlainHttpFault, "trickle-body:150", {"timeout", true}, {"timeout", true}},
	{"delay mid-body, http", Spoiler::PlainHttpFault, "delay-body:3000", {"timeout", true}, {"timeout", true}},
	{"connection reset", Spoiler::EmulatorFault, "reset", {"network", true}, {"network", true}},
	{"truncated body", Spoiler::EmulatorFault, "truncate", {"protocol", false}, {"protocol", false}},
	{"malformed JSON", Spoiler::EmulatorFault, "malformed-json", {"bad_response", false}, {"bad_response", false}},
	{"empty 200", Spoiler::EmulatorFault, "empty-200", {"region_mismatch", false}, OK},
	{"oversized body", Spoiler::EmulatorFault, "oversized", {"protocol", false}, {"protocol", false}},
	{"wrong content type", Spoiler::EmulatorFault, "wrong-content-type", {"bad_response", false},
		{"bad_response", false}},
	{"TLS, unknown CA", Spoiler::UnknownCa, "", {"tls", false}, {"tls", false}},
	{"TLS, wrong hostname", Spoiler::WrongHostname, "", {"tls", false}, {"tls", false}},
	{"308 to a foreign host", Spoiler::EmulatorFault, "redirect-foreign", {"protocol", false}, {"protocol", false}},
	{"308 loop", Spoiler::EmulatorFault, "redirect-loop", {"protocol", false}, {"protocol", false}},
	{"proxy refuses auth", Spoiler::ProxyRefusesAuth, "", {"network", false}, {"network", false}},
};

struct Row
{
	std::string scenario;
	std::string action;
	std::string expected;
	std::string got;
	long long milliseconds = 0;
	std::vector<std::string> problems;
};

} // namespace

/// Every fault the emulator can inject, and every connection that cannot work, against both
/// actions through the plugin's invoke: each call ends within its deadline with the documented
/// error kind and retryable flag, leaks no secret, and the next good call works.
class FaultMatrixTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(FaultMatrixTest);
	CPPUNIT_TEST(testFaultMatrix);
	CPPUNIT_TEST(testEveryCallAfterATimeoutKeepsItsDeadline);
	CPPUNIT_TEST(testClosingACutConnectionRaisesNoSigpipe);
	CPPUNIT_TEST_SUITE_END();

	static constexpr milliseconds CALL_TIMEOUT{2000};
	// The deadline is checked from outside: scheduling on a loaded (or sanitized) build may add
	// this much after the plugin gave up.
	static constexpr milliseconds DEADLINE_SLACK{750};

	std::unique_ptr<Falcon::Emulator::FalconEmulator> _emulator;
	std::unique_ptr<Falcon::Emulator::FalconEmulator> _plainEmulator;
	std::unique_ptr<Falcon::Emulator::FalconEmulator> _wrongNameEmulator;
	std::unique_ptr<ConnectProxy> _proxy;
	std::unique_ptr<PluginLoader> _plugin;
	std::unique_ptr<LogCapture> _log;

	Poco::JSON::Object::Ptr goodConnection(bool plainHttp = false) const
	{
		Poco::JSON::Object::Ptr connection = connectionFor(plainHttp ? *_plainEmulator : *_emulator);
		connection->set("call_timeout_s", duration<double>(CALL_TIMEOUT).count());
		connection->set("connect_timeout_s", 1);
		connection->set("read_timeout_s", 0.4);
		connection->set("max_retries", 1);
		return connection;
	}

	Poco::JSON::Object::Ptr connectionIn(const Scenario& scenario) const
	{
		Poco::JSON::Object::Ptr connection = goodConnection(scenario.spoiler == Spoiler::PlainHttpFault);
		switch (scenario.spoiler)
		{
		case Spoiler::UnknownCa: connection->set("ca_bundle", foreignPki().caFile()); break;
		case Spoiler::WrongHostname:
			connection->set("base_url", _wrongNameEmulator->baseUrl("us-1"));
			connection->set("ca_bundle", _wrongNameEmulator->caFile());
			break;
		case Spoiler::ProxyRefusesAuth:
			connection->set("proxy",
				"http://" + PROXY_USER + ":" + PROXY_PASSWORD + "-wrong@127.0.0.1:" + std::to_string(_proxy->port()));
			break;
		case Spoiler::EmulatorFault:
		case Spoiler::PlainHttpFault: break;
		}
		return connection;
	}

	ActionResult invoke(const std::string& action, const std::string& input, const Poco::JSON::Object::Ptr& connection)
	{
		const ActionContext context(connection, _log->logger(), ActionContext::Clock::now() + CALL_TIMEOUT);
		return _plugin->find(action)->invoke(jsonObject(input), context);
	}

	/// A good call. A session that was just refused stays quiet for a while (a 429's retry-after,
	/// the backoff after a refused login) and says so with a remembered result: wait that out once.
	ActionResult goodCall(const std::string& action, const std::string& input, bool plainHttp = false)
	{
		ActionResult result = invoke(action, input, goodConnection(plainHttp));
		const auto error = result.output()->getObject("error");
		if (!error || !result.output()->optValue("cached", false) || error->isNull("retry_after_s")) return result;
		std::this_thread::sleep_for(duration<double>(std::min(5.0, error->getValue<double>("retry_after_s"))));
		return invoke(action, input, goodConnection(plainHttp));
	}

	Falcon::Emulator::FalconEmulator& emulatorOf(const Scenario& scenario)
	{
		return scenario.spoiler == Spoiler::PlainHttpFault ? *_plainEmulator : *_emulator;
	}

	static Outcome outcomeOf(const ActionResult& result)
	{
		if (result.ok()) return OK;
		return {result.errorKind(), result.output()->getObject("error")->getValue<bool>("retryable")};
	}

	/// A token the emulator really issued, so that a leak of the revoked token would show.
	std::string freshToken(bool plainHttp = false)
	{
		const ActionResult result = goodCall("token", R"({"force": true})", plainHttp);
		CPPUNIT_ASSERT_MESSAGE(result.toJSON(), result.ok());
		return result.output()->getObject("body")->getValue<std::string>("access_token");
	}

	Row run(const Scenario& scenario, const std::string& action)
	{
		Row row{scenario.name, action, (action == "token" ? scenario.token : scenario.revoke).str(), "", 0, {}};
		const bool plainHttp = scenario.spoiler == Spoiler::PlainHttpFault;
		const std::string token = action == "revoke" ? freshToken(plainHttp) : "";
		const std::string input = action == "token" ? R"({"force": true})" : R"({"token": ")" + token + R"("})";
		if (!scenario.fault.empty()) emulatorOf(scenario).faults().add(action + "=" + scenario.fault);

		const auto started = steady_clock::now();
		const ActionResult result = invoke(action, input, connectionIn(scenario));
		const auto elapsed = steady_clock::now() - started;
		emulatorOf(scenario).faults().clear();

		row.milliseconds = duration_cast<milliseconds>(elapsed).count();
		row.got = outcomeOf(result).str();
		if (row.got != row.expected) row.problems.push_back("expected " + row.expected + ": " + result.toJSON());
		if (elapsed > CALL_TIMEOUT + DEADLINE_SLACK)
			row.problems.push_back("took " + std::to_string(row.milliseconds) + " ms");
		const auto problems = schemaValidator(_plugin->find(action)->operationId() + ".output.schema.json")
								  ->validate(result.output(), "output");
		if (!problems.empty()) row.problems.push_back("output off its schema: " + problems.front());
		const std::string written = result.toJSON() + _log->text();
		for (const std::string& secret : {PLUGIN_SECRET, PROXY_PASSWORD, token})
		{
			if (!secret.empty() && written.find(secret) != std::string::npos)
				row.problems.push_back("a secret leaked into the result or the log");
		}

		// The plugin (and, where the connection was fine, the same session) serves the next call.
		const std::string nextInput =
			action == "token" ? R"({"force": true})" : R"({"token": ")" + freshToken(plainHttp) + R"("})";
		const ActionResult next = goodCall(action, nextInput, plainHttp);
		if (!next.ok()) row.problems.push_back("the next good call failed: " + next.toJSON());
		return row;
	}

	static std::string table(const std::vector<Row>& rows)
	{
		std::ostringstream out;
		const auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
							  const std::string& e, const std::string& f) {
			out << std::left << std::setw(24) << a << std::setw(7) << b << std::setw(26) << c << std::setw(26) << d
				<< std::right << std::setw(7) << e << "  " << f << "\n";
		};
		line("scenario", "action", "expected", "got", "ms", "");
		for (const Row& row : rows)
			line(row.scenario, row.action, row.expected, row.got, std::to_string(row.milliseconds),
				row.problems.empty() ? "pass" : "FAIL: " + row.problems.front());
		return out.str();
	}

public:
	void setUp() override
	{
		_emulator = startEmulator();
		_plainEmulator = startEmulator(seconds(1799), false);
		Falcon::Emulator::EmulatorOptions wrongName;
		wrongName.clouds = {"us-1"};
		wrongName.certificateDnsNames = {"falcon-api.example.net"};
		wrongName.certificateIpAddresses = {"192.0.2.1"};
		_wrongNameEmulator = std::make_unique<Falcon::Emulator::FalconEmulator>(wrongName);
		_wrongNameEmulator->start();
		_proxy = std::make_unique<ConnectProxy>(PROXY_USER, PROXY_PASSWORD);
		_plugin = std::make_unique<PluginLoader>();
		_plugin->load(FALCON_PLUGIN_MODULE);
		_log = std::make_unique<LogCapture>("test.matrix");
	}

	void tearDown() override
	{
		_log.reset();
		_plugin.reset();
		_proxy.reset();
		_wrongNameEmulator.reset();
		_plainEmulator.reset();
		_emulator.reset();
	}

	void testFaultMatrix()
	{
		std::vector<Row> rows;
		std::size_t failed = 0;
		for (const Scenario& scenario : SCENARIOS)
		{
			for (const std::string action : {"token", "revoke"})
			{
				rows.push_back(run(scenario, action));
				if (!rows.back().problems.empty()) ++failed;
			}
		}
		const std::string printed = table(rows);
		std::cout << "\n" << printed << std::flush;
		std::string details;
		for (const Row& row : rows)
			for (const std::string& problem : row.problems)
				details += row.scenario + " / " + row.action + ": " + problem + "\n";
		CPPUNIT_ASSERT_EQUAL_MESSAGE(details, std::size_t(0), failed);
		CPPUNIT_ASSERT_EQUAL(SCENARIOS.size() * 2, rows.size());
	}

	/// When the deadline cuts a TLS connection, closing it still writes the TLS goodbye, into a
	/// socket that is shut down: a host whose thread takes SIGPIPE as most C programs do (default
	/// action, not blocked) must live on. The call runs on such a thread; a SIGPIPE would end the
	/// whole test program.
	void testClosingACutConnectionRaisesNoSigpipe()
	{
		_emulator->faults().add("token=trickle-body:150x1");
		std::string kind;
		std::thread caller([&] {
			::signal(SIGPIPE, SIG_DFL);
			sigset_t sigpipe;
			sigemptyset(&sigpipe);
			sigaddset(&sigpipe, SIGPIPE);
			pthread_sigmask(SIG_UNBLOCK, &sigpipe, nullptr);
			kind = invoke("token", R"({"force": true})", goodConnection()).errorKind();
			// The session is dropped with the plugin's registry only at unload: close it now.
			_plugin.reset();
		});
		caller.join();
		CPPUNIT_ASSERT_EQUAL(std::string("timeout"), kind);
	}

	/// A step times out, then its cleanup revokes on the same session: that call and every one
	/// after it gets fresh socket timeouts and its own deadline, over plain HTTP and TLS alike.
	void testEveryCallAfterATimeoutKeepsItsDeadline()
	{
		for (const bool plainHttp : {true, false})
		{
			Falcon::Emulator::FalconEmulator& emulator = plainHttp ? *_plainEmulator : *_emulator;
			const std::string token = freshToken(plainHttp);
			const std::string where = plainHttp ? "http: " : "https: ";
			emulator.faults().add("token=trickle-headers:150x1");
			emulator.faults().add("revoke=delay-headers:5000x1");
			emulator.faults().add("token=delay-body:5000x1");
			const std::vector<std::pair<std::string, std::string>> calls = {{"token", R"({"force": true})"},
				{"revoke", R"({"token": ")" + token + R"("})"}, {"token", R"({"force": true})"}};
			for (const auto& call : calls)
			{
				const auto started = steady_clock::now();
				const ActionResult result = invoke(call.first, call.second, goodConnection(plainHttp));
				const auto elapsed = steady_clock::now() - started;
				CPPUNIT_ASSERT_EQUAL_MESSAGE(
					where + call.first + ": " + result.toJSON(), std::string("timeout"), result.errorKind());
				CPPUNIT_ASSERT_MESSAGE(where + call.first + " took "
						+ std::to_string(duration_cast<milliseconds>(elapsed).count()) + " ms",
					elapsed <= CALL_TIMEOUT + DEADLINE_SLACK);
			}
			CPPUNIT_ASSERT_MESSAGE(
				where + "the session recovers", goodCall("revoke", R"({"token": ")" + token + R"("})", plainHttp).ok());
		}
	}
};

FALCON_REGISTER_SUITE(FaultMatrixTest);
