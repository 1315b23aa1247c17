#include "PluginTestKit.h"
#include "ProcessFootprint.h"
#include "SuiteDriver.h"

#include "falcon/plugin/PluginLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <dlfcn.h>

#include <sstream>
#include <thread>

using namespace Falcon::Plugin;
using namespace Falcon::Testing;

/// A host that loads the module, uses it and unloads it again, a hundred times: every cycle the
/// module really leaves the process, and nothing it opened stays behind. Under the sanitizer
/// build LeakSanitizer checks the heap at exit, so a leak per cycle fails the run there.
class PluginReloadTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PluginReloadTest);
	CPPUNIT_TEST(testLoadUseUnloadHundredTimes);
	CPPUNIT_TEST(testCHostLeavesNothingMapped);
	CPPUNIT_TEST_SUITE_END();

	static constexpr int CYCLES = 100;

	static void cycle(const Falcon::Emulator::FalconEmulator& emulator)
	{
		PluginLoader loader;
		loader.load(FALCON_PLUGIN_MODULE);
		CPPUNIT_ASSERT_MESSAGE(
			"the loaded module is not seen in /proc/self/maps", ProcessFootprint::maps(FALCON_PLUGIN_MODULE));
		{
			const ActionContext context(connectionFor(emulator), Poco::Logger::get("test.reload"),
				ActionContext::Clock::now() + std::chrono::seconds(10));
			const ActionResult token = loader.find("token")->invoke(jsonObject("{}"), context);
			CPPUNIT_ASSERT_MESSAGE(token.toJSON(), token.ok());
			const std::string revokeInput =
				R"({"token": ")" + token.output()->getObject("body")->getValue<std::string>("access_token") + R"("})";
			CPPUNIT_ASSERT(loader.find("revoke")->invoke(jsonObject(revokeInput), context).ok());
		}
		loader.unload();
		CPPUNIT_ASSERT_MESSAGE(
			"the module is still mapped after unload", !ProcessFootprint::maps(FALCON_PLUGIN_MODULE));
	}

public:
	void testLoadUseUnloadHundredTimes()
	{
		auto emulator = startEmulator();
		cycle(*emulator); // the first cycle sets up what lives as long as the process (Poco's statics, OpenSSL)
		const ProcessFootprint before = ProcessFootprint::now();
		for (int i = 1; i < CYCLES; ++i) cycle(*emulator);
		// Every cycle opened a TLS connection: a descriptor kept per cycle shows here. The
		// emulator runs in this process too and closes its side when it notices: let it.
		ProcessFootprint after = ProcessFootprint::now();
		for (int wait = 0; wait < 100 && after.openFiles > before.openFiles; ++wait)
		{
			std::this_thread::sleep_for(std::chrono::milliseconds(30));
			after = ProcessFootprint::now();
		}
		// Fewer is fine: a connection of the first cycle may still have been closing at `before`.
		CPPUNIT_ASSERT_MESSAGE("open file descriptors grew from " + std::to_string(before.openFiles) + " to "
				+ std::to_string(after.openFiles),
			after.openFiles <= before.openFiles);
		// Every session was a new token and a revoke against the emulator.
		CPPUNIT_ASSERT_EQUAL(static_cast<unsigned long>(CYCLES), emulator->log().counters().tokensIssued);
		CPPUNIT_ASSERT_EQUAL(static_cast<unsigned long>(CYCLES), emulator->log().counters().revocations);
	}

	/// A C host calls through falcon_plugin.h and dlcloses: nothing a call left on the calling
	/// thread (a thread_local with a destructor) may pin the module in memory.
	void testCHostLeavesNothingMapped()
	{
		auto emulator = startEmulator();
		std::ostringstream connectionText;
		connectionFor(*emulator)->stringify(connectionText);
		const std::string connection = connectionText.str();
		for (int cycle = 0; cycle < 3; ++cycle)
		{
			void* module = dlopen(FALCON_PLUGIN_MODULE, RTLD_NOW | RTLD_LOCAL);
			CPPUNIT_ASSERT_MESSAGE(module ? "" : dlerror(), module);
			using Invoke = char* (*)(const char*, const char*, const char*);
			using Free = void (*)(char*);
			const auto invoke = reinterpret_cast<Invoke>(dlsym(module, "falcon_plugin_invoke"));
			const auto release = reinterpret_cast<Free>(dlsym(module, "falcon_plugin_free"));
			CPPUNIT_ASSERT(invoke && release);
			// A token (minted, then from the cache: every path a call takes) and a refusal.
			for (const char* action : {"oauth2AccessToken", "oauth2AccessToken", "noSuchAction"})
			{
				char* result = invoke(action, "{}", connection.c_str());
				CPPUNIT_ASSERT(result);
				const std::string text = result;
				release(result);
				const char* expected =
					std::string(action) == "noSuchAction" ? "\"status_code\":418" : "\"status_code\":201";
				// The reply itself is not shown: it holds a token.
				CPPUNIT_ASSERT_MESSAGE(
					std::string(action) + " did not answer " + expected, text.find(expected) != std::string::npos);
			}
			CPPUNIT_ASSERT_EQUAL(0, dlclose(module));
			CPPUNIT_ASSERT_MESSAGE("the module is still mapped after dlclose: something it left on the thread pins it",
				!ProcessFootprint::maps(FALCON_PLUGIN_MODULE));
		}
	}
};

FALCON_REGISTER_SUITE(PluginReloadTest);
