#include "FalconEmulator.h"
#include "SuiteDriver.h"

#include "falcon/plugin/PluginLoader.h"
#include "workflow/WorkflowLoader.h"
#include "workflow/MaskingChannel.h"
#include "workflow/WorkflowRunner.h"

#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <thread>

using namespace Falcon::Workflow;
using namespace std::chrono;

namespace {

const std::string CLIENT = "wfclient0123456789abcdef01234567";
const std::string SECRET = "wf/Secret+value=1";
const std::vector<std::string> CHILDREN{"aaaaaaaa0123456789abcdef01234567", "bbbbbbbb0123456789abcdef01234567",
	"cccccccc0123456789abcdef01234567", "dddddddd0123456789abcdef01234567"};

/// Remembers what it was told, for the progress assertions.
class RecordingProgress: public ProgressReporter
{
public:
	void started(const std::string& step, const std::string&) override
	{
		std::lock_guard<std::mutex> l(_m);
		lines.push_back("start " + step);
	}
	void finished(const std::string& step, const std::string& status, int, int, double) override
	{
		std::lock_guard<std::mutex> l(_m);
		lines.push_back(step + " " + status);
	}
	std::vector<std::string> lines;

private:
	std::mutex _m;
};

} // namespace

/// The runner against the emulator, in-process: retries, conditions, for_each, cancellation,
/// masking.
class WorkflowRunTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WorkflowRunTest);
	CPPUNIT_TEST(testMaskedLoggingEndsWithItsScope);
	CPPUNIT_TEST(testRetryAgainstFaults);
	CPPUNIT_TEST(testConditionsAndOnError);
	CPPUNIT_TEST(testForEachSharesOneToken);
	CPPUNIT_TEST(testForEachRunsConcurrently);
	CPPUNIT_TEST(testLiteralInputSharedByParallelCalls);
	CPPUNIT_TEST(testCancellationRunsCleanup);
	CPPUNIT_TEST(testCancellationEndsTheRetryWait);
	CPPUNIT_TEST(testSecretsAreMasked);
	CPPUNIT_TEST(testSecretsInsideOutputsAreMasked);
	CPPUNIT_TEST(testInputsAreChecked);
	CPPUNIT_TEST_SUITE_END();

	std::unique_ptr<Falcon::Emulator::FalconEmulator> _emulator;
	Falcon::Plugin::PluginLoader _plugin;
	RecordingProgress _progress;
	std::string _status;
	std::string _recordText;

	Poco::JSON::Object::Ptr connection(const std::string& secret = SECRET)
	{
		Poco::JSON::Object::Ptr connection = new Poco::JSON::Object;
		connection->set("base_url", _emulator->baseUrl("us-1"));
		connection->set("client_id", CLIENT);
		connection->set("client_secret", secret);
		connection->set("ca_bundle", _emulator->caFile());
		connection->set("max_retries", 0); // the workflow's retries, not the client's
		connection->set("call_timeout_s", 10);
		return connection;
	}

	Poco::JSON::Object::Ptr run(const std::string& yaml, const std::string& inputs = "{}",
		Poco::JSON::Object::Ptr with = nullptr, std::shared_ptr<Falcon::Plugin::Cancellation> cancelled = nullptr,
		bool reveal = false)
	{
		const WorkflowLoader loader([this](const std::string& name) { return _plugin.find(name); });
		const WorkflowDefinition workflow = loader.loadText(yaml, "test.yaml");
		RunOptions options;
		options.connection = with ? with : connection();
		Poco::JSON::Parser parser;
		options.inputs = parser.parse(inputs).extract<Poco::JSON::Object::Ptr>();
		options.cancelled = cancelled;
		options.progress = &_progress;
		options.logger = &Poco::Logger::get("test.workflow");
		options.revealOutputs = reveal;
		WorkflowRunner runner(workflow, options);
		const auto record = runner.run();
		_status = runner.status();
		std::ostringstream text;
		record->stringify(text);
		_recordText = text.str();
		return record;
	}

	static Poco::JSON::Object::Ptr step(const Poco::JSON::Object::Ptr& record, unsigned index)
	{
		return record->getArray("steps")->getObject(index);
	}

public:
	void setUp() override
	{
		Falcon::Emulator::EmulatorOptions options;
		options.clouds = {"us-1"};
		options.clients.add({CLIENT, SECRET, "us-1", CHILDREN, {}});
		_emulator = std::make_unique<Falcon::Emulator::FalconEmulator>(options);
		_emulator->start();
		_plugin.load(FALCON_PLUGIN_MODULE);
	}

	void tearDown() override
	{
		_plugin.unload();
		_emulator.reset();
	}

	/// The run's masking channel lives only as long as the mask it reads: the logger's own
	/// channel is back once the scope ends, and logging then reads no freed mask.
	void testMaskedLoggingEndsWithItsScope()
	{
		Poco::Logger& logger = Poco::Logger::get("test.masked");
		const Poco::Channel::Ptr original = logger.getChannel();
		{
			SecretMask mask;
			mask.add("masked-value-123");
			const MaskedLogging masked(mask, {"test.masked"});
			CPPUNIT_ASSERT(logger.getChannel().get() != original.get());
		}
		CPPUNIT_ASSERT(logger.getChannel().get() == original.get());
	}

	void testRetryAgainstFaults()
	{
		_emulator->faults().add("token=503x2");
		const std::string yaml =
			"version: 1\nsteps:\n  - id: auth\n    action: token\n    with: {force: true}\n"
			"    retry: {max_attempts: 3, backoff: exponential, initial_delay_s: 0.05, on: [server_error]}\n";
		auto record = run(yaml);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _status);
		CPPUNIT_ASSERT_EQUAL(3, step(record, 0)->getValue<int>("attempts"));
		CPPUNIT_ASSERT_EQUAL(3ul, _emulator->log().counters().tokenRequests);

		_emulator->faults().add("token=503x5");
		record = run(yaml);
		CPPUNIT_ASSERT_EQUAL(std::string("failure"), _status);
		CPPUNIT_ASSERT_EQUAL(
			std::string("server_error"), step(record, 0)->getObject("error")->getValue<std::string>("kind"));
		CPPUNIT_ASSERT_EQUAL(3, step(record, 0)->getValue<int>("attempts"));

		// A kind not listed under on: is not retried.
		_emulator->faults().clear();
		_emulator->faults().add("token=429x1");
		record = run(yaml);
		CPPUNIT_ASSERT_EQUAL(1, step(record, 0)->getValue<int>("attempts"));
	}

	void testConditionsAndOnError()
	{
		const std::string yaml = "version: 1\nsteps:\n"
								 "  - id: auth\n    action: token\n    on_error: continue\n"
								 "  - id: after\n    action: token\n    if: \"${{ steps.auth.status == 'failure' "
								 "}}\"\n    with: {data: {client_id: "
			+ CLIENT + ", client_secret: '" + SECRET
			+ "'}}\n"
			  "  - id: strict\n    action: token\n"
			  "  - id: next\n    action: token\n"
			  "  - id: cleanup\n    action: token\n    if: ${{ always() }}\n    with: {force: true, data: {client_id: "
			+ CLIENT + ", client_secret: '" + SECRET
			+ "'}}\n"
			  "  - id: on-failure\n    action: token\n    if: ${{ failed() }}\n    with: {force: true, data: "
			  "{client_id: "
			+ CLIENT + ", client_secret: '" + SECRET + "'}}\n";
		const auto record = run(yaml, "{}", connection("wrong-secret"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("failure"), step(record, 0)->getValue<std::string>("status")); // continue: not fatal
		CPPUNIT_ASSERT_EQUAL_MESSAGE(
			_recordText, std::string("success"), step(record, 1)->getValue<std::string>("status")); // if on the failure
		CPPUNIT_ASSERT_EQUAL(
			std::string("failure"), step(record, 2)->getValue<std::string>("status")); // fails the workflow
		CPPUNIT_ASSERT_EQUAL(
			std::string("skipped"), step(record, 3)->getValue<std::string>("status")); // default: succeeded()
		CPPUNIT_ASSERT_EQUAL(std::string("success"), step(record, 4)->getValue<std::string>("status")); // always()
		CPPUNIT_ASSERT_EQUAL(std::string("success"), step(record, 5)->getValue<std::string>("status")); // failed()
		CPPUNIT_ASSERT_EQUAL(std::string("failure"), _status);
	}

	void testForEachSharesOneToken()
	{
		const auto record = run("version: 1\ninputs:\n  cids: {type: array}\nsteps:\n  - id: fan\n    action: token\n  "
								"  for_each: ${{ inputs.cids }}\n"
								"    max_parallel: 4\n    with: {member_cid: '${{ item }}'}\n",
			"{\"cids\": [\"" + CHILDREN[0] + "\", \"" + CHILDREN[0] + "\", \"" + CHILDREN[0] + "\", \"" + CHILDREN[0]
				+ "\", \"" + CHILDREN[0] + "\", \"" + CHILDREN[0] + "\", \"" + CHILDREN[0] + "\", \"" + CHILDREN[0]
				+ "\"]}");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(8), step(record, 0)->getArray("outputs")->size());
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().tokenRequests); // one shared token cache
	}

	void testForEachRunsConcurrently()
	{
		_emulator->faults().add("token=delay-headers:300");
		std::string cids;
		for (const auto& child : CHILDREN) cids += (cids.empty() ? "" : ", ") + std::string("\"") + child + "\"";
		const auto started = steady_clock::now();
		const auto record = run("version: 1\ninputs:\n  cids: {type: array}\nsteps:\n  - id: fan\n    action: token\n  "
								"  for_each: ${{ inputs.cids }}\n"
								"    max_parallel: 4\n    with: {member_cid: '${{ item }}'}\noutputs:\n  second: '${{ "
								"steps.fan.outputs.1.status_code }}'\n",
			"{\"cids\": [" + cids + "]}");
		const auto took = steady_clock::now() - started;
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _status);
		CPPUNIT_ASSERT_EQUAL(4ul, _emulator->log().counters().tokensIssued);
		// Four 300 ms calls in parallel, not one after another (a behaviour check, with room).
		CPPUNIT_ASSERT_MESSAGE(
			std::to_string(duration_cast<milliseconds>(took).count()) + " ms", took < milliseconds(1100));
		// Outputs in item order: each iteration's request carried its own child CID.
		std::set<std::string> seen;
		for (const auto& entry : _emulator->log().entries())
			seen.insert(entry.form.size() > 2 ? entry.form[2].second : "");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), seen.size());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(201), record->getObject("outputs")->getValue<Poco::Int64>("second"));
	}

	/// A `with:` without expressions is one object given to every call: four threads read it at
	/// once (ThreadSanitizer runs this suite), and each call still sees `force`.
	void testLiteralInputSharedByParallelCalls()
	{
		const auto record =
			run("version: 1\nsteps:\n  - id: fan\n    action: token\n    for_each: [1, 2, 3, 4, 5, 6, 7, 8]\n"
				"    max_parallel: 4\n    with: {force: true}\n");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(8), step(record, 0)->getArray("outputs")->size());
		CPPUNIT_ASSERT_EQUAL(8ul, _emulator->log().counters().tokensIssued); // forced: none from the cache
	}

	void testCancellationRunsCleanup()
	{
		_emulator->faults().add("token=delay-headers:600x1");
		auto cancelled = std::make_shared<Falcon::Plugin::Cancellation>();
		std::thread interrupter([this, cancelled] {
			_emulator->faults().untilTaken("token", seconds(30));
			cancelled->cancel();
		});
		const auto record = run("version: 1\nsteps:\n"
								"  - id: auth\n    action: token\n    with: {force: true}\n"
								"  - id: work\n    action: token\n"
								"  - id: cleanup\n    action: revoke\n    if: \"${{ always() && steps.auth.status == "
								"'success' }}\"\n    with: {token: '${{ steps.auth.outputs.body.access_token }}'}\n",
			"{}", nullptr, cancelled);
		interrupter.join();
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), _status);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), step(record, 0)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), step(record, 1)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), step(record, 2)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().revocations); // the minted token did not outlive the run
	}

	/// A retry's backoff is a wait on the cancellation: the run does not sit out a 30 s delay.
	void testCancellationEndsTheRetryWait()
	{
		_emulator->faults().add("token=503x1");
		auto cancelled = std::make_shared<Falcon::Plugin::Cancellation>();
		std::thread interrupter([this, cancelled] {
			_emulator->faults().untilTaken("token", seconds(30));
			cancelled->cancel();
		});
		const auto started = steady_clock::now();
		const auto record =
			run("version: 1\nsteps:\n"
				"  - id: auth\n    action: token\n    with: {force: true}\n"
				"    retry: {max_attempts: 3, backoff: fixed, initial_delay_s: 30, on: [server_error]}\n",
				"{}", nullptr, cancelled);
		const auto took = steady_clock::now() - started;
		interrupter.join();
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), _status);
		CPPUNIT_ASSERT_EQUAL(1, step(record, 0)->getValue<int>("attempts"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("server_error"), step(record, 0)->getObject("error")->getValue<std::string>("kind"));
		CPPUNIT_ASSERT_MESSAGE("the run sat out the 30 s backoff", took < seconds(10));
	}

	void testSecretsAreMasked()
	{
		const std::string yaml =
			"version: 1\ninputs:\n  cid: {type: string, secret: true}\nsteps:\n"
			"  - id: auth\n    action: token\n    with: {member_cid: '${{ inputs.cid }}'}\n"
			"  - id: revoke\n    action: revoke\n    with: {token: '${{ steps.auth.outputs.body.access_token }}'}\n"
			"outputs:\n  token: '${{ steps.auth.outputs.body.access_token }}'\n  bearer: 'Bearer ${{ "
			"steps.auth.outputs.body.access_token }}'\n"
			"  cid: '${{ inputs.cid }}'\n  code: '${{ steps.auth.outputs.status_code }}'\n";
		auto record = run(yaml, "{\"cid\": \"" + CHILDREN[1] + "\"}");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _status);
		const auto outputs = record->getObject("outputs");
		CPPUNIT_ASSERT_EQUAL(std::string("***"), outputs->getValue<std::string>("token"));
		CPPUNIT_ASSERT_EQUAL(std::string("***"), outputs->getValue<std::string>("bearer"));
		CPPUNIT_ASSERT_EQUAL(std::string("***"), outputs->getValue<std::string>("cid"));
		CPPUNIT_ASSERT_EQUAL(201, outputs->getValue<int>("code"));
		CPPUNIT_ASSERT_EQUAL(std::string("***"),
			step(record, 0)->getObject("outputs")->getObject("body")->getValue<std::string>("access_token"));
		CPPUNIT_ASSERT(_recordText.find(SECRET) == std::string::npos);
		CPPUNIT_ASSERT(_recordText.find(CHILDREN[1]) == std::string::npos);

		record = run(yaml, "{\"cid\": \"" + CHILDREN[1] + "\"}", nullptr, nullptr, true);
		const std::string revealed = record->getObject("outputs")->getValue<std::string>("token");
		CPPUNIT_ASSERT(revealed.size() > 20);
		// Only the outputs were revealed; the steps still mask the token.
		CPPUNIT_ASSERT_EQUAL(std::string("***"),
			step(record, 0)->getObject("outputs")->getObject("body")->getValue<std::string>("access_token"));
	}

	/// A known secret inside an output no schema calls secret (the API's own error message, in a
	/// list of objects) is masked where it stands, the rest of the text kept.
	void testSecretsInsideOutputsAreMasked()
	{
		const std::string yaml =
			"version: 1\ninputs:\n  who: {type: string, secret: true}\nsteps:\n"
			"  - id: auth\n    action: token\n    with: {member_cid: eeeeeeee0123456789abcdef01234567}\n"
			"    on_error: continue\n";
		const auto record = run(yaml, "{\"who\": \"" + CLIENT + "\"}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(
			_recordText, std::string("failure"), step(record, 0)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_MESSAGE(_recordText, _recordText.find(CLIENT) == std::string::npos);
		const auto errors = step(record, 0)->getObject("outputs")->getObject("body")->getArray("errors");
		CPPUNIT_ASSERT_EQUAL(std::string("Failed to generate access token for clientID=***"),
			errors->getObject(0)->getValue<std::string>("message"));
	}

	void testInputsAreChecked()
	{
		const std::string yaml =
			"version: 1\ninputs:\n  n: {type: integer, required: true}\nsteps:\n  - {id: a, action: token}\n";
		CPPUNIT_ASSERT_THROW(run(yaml, "{}"), std::invalid_argument);
		CPPUNIT_ASSERT_THROW(run(yaml, "{\"n\": \"x\"}"), std::invalid_argument);
		CPPUNIT_ASSERT_THROW(run(yaml, "{\"n\": 1, \"extra\": 2}"), std::invalid_argument);
		CPPUNIT_ASSERT_EQUAL(0ul, _emulator->log().counters().tokenRequests);
		run(yaml, "{\"n\": 1}");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _status);
	}
};

FALCON_REGISTER_SUITE(WorkflowRunTest);
