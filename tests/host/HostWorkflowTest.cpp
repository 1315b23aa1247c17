#include "FalconEmulator.h"
#include "ChildProcess.h"
#include "HostTestKit.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <cstring>
#include <thread>

using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

const std::string CLIENT = "hostwfclient0123456789abcdef0123";
const std::string SECRET = "hostwf/Secret+value=1";
const std::string CHILD = "abcdef0123456789abcdef0123456789";
const std::string OTHER_CHILD = "0123456789abcdef0123456789abcdef";

using Run = Finished;

std::string example(const std::string& name)
{
	return std::string(FALCON_WORKFLOW_DIR) + "/" + name;
}

std::string writeWorkflow(const std::string& name, const std::string& yaml)
{
	return writeTestFile(name, yaml, 0644);
}

} // namespace

/// `falcon-host workflow` as users run it: the shipped examples against the emulator, invalid
/// files, exit statuses, progress, masking, and SIGINT letting the cleanup step run.
class HostWorkflowTest: public HostFixture
{
	CPPUNIT_TEST_SUITE(HostWorkflowTest);
	CPPUNIT_TEST(testTokenLifecycleExample);
	CPPUNIT_TEST(testMsspFanoutExample);
	CPPUNIT_TEST(testRateLimitExample);
	CPPUNIT_TEST(testInvalidFileReportsEverythingAndSendsNothing);
	CPPUNIT_TEST(testFailingWorkflowExitsOne);
	CPPUNIT_TEST(testDebugRunMasksSecrets);
	CPPUNIT_TEST(testInterruptRunsCleanup);
	CPPUNIT_TEST(testSecondSignalAbandonsCallsInFlight);
	CPPUNIT_TEST(testRunsShareOneTokenThroughTheFileStore);
	CPPUNIT_TEST_SUITE_END();

	Falcon::Emulator::EmulatorOptions emulatorOptions() const override
	{
		Falcon::Emulator::EmulatorOptions options;
		options.clouds = {"us-1"};
		options.clients.add({CLIENT, SECRET, "us-1", {CHILD, OTHER_CHILD}, {}});
		return options;
	}

public:
	HostWorkflowTest(): HostFixture(CLIENT, SECRET) {}

	void testTokenLifecycleExample()
	{
		const Run run = host({"workflow", "run", example("token-lifecycle.yaml")}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 0, run.status);
		const auto record = run.json();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), record->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("us-1"), record->getObject("outputs")->getValue<std::string>("region"));
		CPPUNIT_ASSERT(record->getObject("outputs")->getValue<bool>("served_from_cache"));
		CPPUNIT_ASSERT_EQUAL(std::string("***"), record->getObject("outputs")->getValue<std::string>("token"));
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().revocations);
		for (const char* line : {"start auth (oauth2AccessToken)", "end   auth success", "end   revoke success"})
			CPPUNIT_ASSERT_MESSAGE(label(run), run.err.find(line) != std::string::npos);

		const Run revealed =
			host({"workflow", "run", example("token-lifecycle.yaml"), "--reveal-outputs", "--quiet"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(revealed), 0, revealed.status);
		CPPUNIT_ASSERT(revealed.json()->getObject("outputs")->getValue<std::string>("token").size() > 20);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(revealed), std::string(), revealed.err);
	}

	void testMsspFanoutExample()
	{
		const Run run = host({"workflow", "run", example("mssp-fanout.yaml"), "--input",
								 "{\"children\": [\"" + CHILD + "\", \"" + OTHER_CHILD + "\"]}"},
			environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 0, run.status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), run.json()->getArray("steps")->getObject(0)->getArray("outputs")->size());
		CPPUNIT_ASSERT_EQUAL(2ul, _emulator->log().counters().tokenRequests);
		CPPUNIT_ASSERT_EQUAL_MESSAGE("every token minted is revoked", 2ul, _emulator->log().counters().revocations);
		CPPUNIT_ASSERT_MESSAGE(run.err,
			run.err.find("end   tokens success in ") != std::string::npos
				&& run.err.find("s, 2 iterations (2 attempts)") != std::string::npos);

		// A lookup that found no child is not "no child": no parent token is minted for it.
		const Run nullChild =
			host({"workflow", "run", example("mssp-fanout.yaml"), "--input", "{\"children\": [null]}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(nullChild), 1, nullChild.status);
		const auto iteration = nullChild.json()->getArray("steps")->getObject(0);
		CPPUNIT_ASSERT_MESSAGE(label(nullChild), nullChild.out.find("input.member_cid") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(2ul, _emulator->log().counters().tokenRequests);
		const Run missing = host({"workflow", "run", example("mssp-fanout.yaml")}, environment());
		CPPUNIT_ASSERT_EQUAL(2, missing.status);
		CPPUNIT_ASSERT(missing.err.find("the workflow needs the input 'children'") != std::string::npos);
	}

	void testRateLimitExample()
	{
		_emulator->faults().add("token=429x2");
		const Run run = host({"workflow", "run", example("rate-limit-resilience.yaml")}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 0, run.status);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), run.json()->getObject("outputs")->getValue<std::string>("status"));
		// The plugin's own retries (3) absorb the 429s within one workflow attempt, honouring Retryafter.
		CPPUNIT_ASSERT_EQUAL(3ul, _emulator->log().counters().tokenRequests);
	}

	void testInvalidFileReportsEverythingAndSendsNothing()
	{
		const std::string path = writeWorkflow("broken.yaml",
			"version: 1\nsteps:\n  - id: a\n    action: nope\n  - id: b\n    action: token\n    with: {force: 'yes'}\n "
			"   if: '${{ steps.z.status == }}'\n");
		const Run run = host({"workflow", "run", path}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 2, run.status);
		for (const std::string& expected : std::vector<std::string>{path + ":4:5: step a: unknown action 'nope'",
				 "steps[1].with.force", "steps[1].if", "problems; nothing was run"})
			CPPUNIT_ASSERT_MESSAGE(expected + "\n" + label(run), run.err.find(expected) != std::string::npos);
		CPPUNIT_ASSERT(run.out.empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _emulator->log().entries().size());
		const Run check = host({"workflow", "check", example("token-lifecycle.yaml")}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(check), 0, check.status);
		CPPUNIT_ASSERT_EQUAL(2, host({"workflow", "run", "/nonexistent.yaml"}, environment()).status);
		CPPUNIT_ASSERT_EQUAL(2, host({"workflow", "frobnicate", "x"}, environment()).status);
	}

	void testFailingWorkflowExitsOne()
	{
		const Run run = host({"workflow", "run", example("token-lifecycle.yaml")}, environment("wrong-secret"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 1, run.status);
		const auto record = run.json();
		CPPUNIT_ASSERT_EQUAL(std::string("failure"), record->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("auth_failed"),
			record->getArray("steps")->getObject(0)->getObject("error")->getValue<std::string>("kind"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("skipped"), record->getArray("steps")->getObject(2)->getValue<std::string>("status"));
	}

	void testDebugRunMasksSecrets()
	{
		const std::string path = writeWorkflow("secret-input.yaml",
			"version: 1\ninputs:\n  cid: {type: string, secret: true}\nsteps:\n"
			"  - id: auth\n    action: token\n    with: {member_cid: '${{ inputs.cid }}', force: true}\n"
			"  - id: revoke\n    action: revoke\n    if: ${{ always() }}\n    with: {token: '${{ "
			"steps.auth.outputs.body.access_token }}'}\n");
		const Run run =
			host({"--debug", "workflow", "run", path, "--input", "{\"cid\": \"" + CHILD + "\"}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 0, run.status);
		CPPUNIT_ASSERT_MESSAGE(run.err,
			run.err.find("request body: client_id=" + CLIENT + "&client_secret=***&member_cid=***")
				!= std::string::npos);
		const auto record = run.json();
		CPPUNIT_ASSERT_EQUAL(std::string("***"),
			record->getArray("steps")->getObject(0)->getObject("outputs")->getObject("body")->getValue<std::string>(
				"access_token"));
		for (const std::string& secret : {SECRET, CHILD, std::string("hostwf%2FSecret%2Bvalue%3D1")})
		{
			CPPUNIT_ASSERT_MESSAGE("secret in stdout", run.out.find(secret) == std::string::npos);
			CPPUNIT_ASSERT_MESSAGE("secret in stderr", run.err.find(secret) == std::string::npos);
		}
		CPPUNIT_ASSERT(run.err.find("\"access_token\":\"***\"") != std::string::npos
			|| run.err.find("\"access_token\": \"***\"") != std::string::npos);
	}

	/// SIGINT, and as much SIGTERM (docker stop, systemd, runner timeouts) and SIGHUP (a closed
	/// terminal): the call in flight finishes, no new step starts, the cleanup step runs.
	void testInterruptRunsCleanup()
	{
		const std::string path = writeWorkflow("interrupted.yaml",
			"version: 1\nsteps:\n"
			"  - id: auth\n    action: token\n    with: {force: true}\n"
			"  - id: work\n    action: token\n"
			"  - id: cleanup\n    action: revoke\n    if: \"${{ always() && steps.auth.status == 'success' }}\"\n"
			"    with: {token: '${{ steps.auth.outputs.body.access_token }}'}\n");
		for (const int signal : {SIGINT, SIGTERM, SIGHUP})
		{
			_emulator->faults().add("token=delay-headers:1500x1");
			const auto revokedBefore = _emulator->log().counters().revocations;
			const Run run = host({"workflow", "run", path}, environment(), [this, signal](pid_t child) {
				_emulator->faults().untilTaken("token", seconds(30));
				::kill(child, signal);
			});
			const std::string name = ::strsignal(signal);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name + ": " + label(run), 1, run.status);
			const auto record = run.json();
			CPPUNIT_ASSERT_EQUAL_MESSAGE(
				name + ": " + label(run), std::string("cancelled"), record->getValue<std::string>("status"));
			CPPUNIT_ASSERT_EQUAL_MESSAGE("a workflow without name: is named after its file", std::string("interrupted"),
				record->getValue<std::string>("workflow"));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name + ": " + label(run), std::string("success"),
				record->getArray("steps")->getObject(0)->getValue<std::string>("status"));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, std::string("cancelled"),
				record->getArray("steps")->getObject(1)->getValue<std::string>("status"));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(
				name, std::string("success"), record->getArray("steps")->getObject(2)->getValue<std::string>("status"));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, revokedBefore + 1, _emulator->log().counters().revocations);
		}
	}

	/// A second signal stops waiting for the call in flight; the run still ends with its record.
	void testSecondSignalAbandonsCallsInFlight()
	{
		_emulator->faults().add("token=delay-headers:30000x1");
		const std::string path = writeWorkflow("abandoned.yaml",
			"version: 1\nsteps:\n"
			"  - id: auth\n    action: token\n    timeout_s: 60\n    with: {force: true}\n"
			"  - id: cleanup\n    action: revoke\n    if: \"${{ always() && steps.auth.status == 'success' }}\"\n"
			"    with: {token: '${{ steps.auth.outputs.body.access_token }}'}\n");
		Poco::Process::Env env = environment();
		const Run run = host(
			{"--config", writeWorkflow("slow-reads.ini", "[falcon]\nread_timeout_s = 60\n"), "workflow", "run", path},
			env, [this](pid_t child) {
				_emulator->faults().untilTaken("token", seconds(30));
				::kill(child, SIGINT);
				std::this_thread::sleep_for(milliseconds(500));
				::kill(child, SIGTERM);
			});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 1, run.status);
		CPPUNIT_ASSERT_MESSAGE(label(run), run.took < seconds(10));
		const auto record = run.json();
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), std::string("cancelled"), record->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), std::string("failure"),
			record->getArray("steps")->getObject(0)->getValue<std::string>("status"));
		// Said as what it is: the host ended the call, the API did not time out.
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), std::string("cancelled"),
			record->getArray("steps")->getObject(0)->getObject("error")->getValue<std::string>("kind"));
	}

	/// Every step and every for_each iteration of a run uses the run's connection, token cache
	/// included; a second run in a new process takes the first run's token from the file store.
	void testRunsShareOneTokenThroughTheFileStore()
	{
		const std::string path = writeWorkflow("shared-token.yaml",
			"version: 1\nsteps:\n"
			"  - id: first\n    action: token\n"
			"  - id: each\n    action: token\n    for_each: [1, 2, 3]\n");
		Poco::Process::Env env = environment();
		env["FALCON_TOKEN_CACHE"] = "file:" + testDirectory() + "/workflow-store";
		const auto before = _emulator->log().counters().tokenRequests;
		const Run first = host({"workflow", "run", path, "--output", "compact"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(first), 0, first.status);
		const Run second = host({"workflow", "run", path, "--output", "compact"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(second), 0, second.status);
		CPPUNIT_ASSERT_EQUAL(before + 1, _emulator->log().counters().tokenRequests);
		const auto steps = second.json()->getArray("steps");
		CPPUNIT_ASSERT_EQUAL(
			std::string("shared_store"), steps->getObject(0)->getObject("outputs")->getValue<std::string>("source"));
		CPPUNIT_ASSERT_EQUAL(std::string("memory"),
			steps->getObject(1)->getArray("outputs")->getObject(2)->getValue<std::string>("source"));
	}
};

FALCON_REGISTER_SUITE(HostWorkflowTest);
