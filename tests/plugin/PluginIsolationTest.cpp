#include "ChildProcess.h"
#include "PluginTestKit.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include "falcon/plugin/PluginLoader.h"
#include "falcon/plugin/falcon_plugin.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/Process.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <set>
#include <sstream>
#include <thread>

using namespace Falcon::Plugin;
using namespace Falcon::Testing;

namespace {

ActionResult invokeToken(
	const PluginLoader& plugin, const Poco::JSON::Object::Ptr& connection, const std::string& input = "{}")
{
	const ActionContext context(
		connection, Poco::Logger::get("test.host"), ActionContext::Clock::now() + std::chrono::seconds(10));
	return plugin.find("token")->invoke(jsonObject(input), context);
}

/// A copy of the plugin module in `directory`, with its wire module beside it (`withWire`) or
/// without; returns the copy's path.
std::string copyModule(const std::string& directory, bool withWire = true)
{
	Poco::File(directory).createDirectories();
	const std::string copy = directory + "/libfalcon-oauth2-plugin.so";
	Poco::File(FALCON_PLUGIN_MODULE).copyTo(copy);
	if (withWire) Poco::File(Poco::Path(FALCON_PLUGIN_MODULE).parent().toString() + "falcon-oauth2").copyTo(directory);
	return copy;
}

} // namespace

/// What a host can rely on about the module as a binary: version checks, exports, two copies
/// side by side, one shared session for many threads.
class PluginIsolationTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PluginIsolationTest);
	CPPUNIT_TEST(testVersionMismatchIsRefused);
	CPPUNIT_TEST(testPreviousApiVersionIsRefused);
	CPPUNIT_TEST(testForeignCxxToolchainIsRefused);
	CPPUNIT_TEST(testNotAPluginIsRefused);
	CPPUNIT_TEST(testModuleOthersCouldWriteIsRefused);
	CPPUNIT_TEST(testOnlyTheContractIsExported);
	CPPUNIT_TEST(testTwoCopiesSideBySide);
	CPPUNIT_TEST(testModuleWithoutItsWireSaysSo);
	CPPUNIT_TEST(testWireOthersCouldWriteIsRefused);
	CPPUNIT_TEST(testThirtyTwoThreadsOneTokenRequest);
	CPPUNIT_TEST(testThreadsChangingHitsReachNoOtherHit);
	CPPUNIT_TEST_SUITE_END();

public:
	void testVersionMismatchIsRefused()
	{
		CPPUNIT_ASSERT_EQUAL(FALCON_PLUGIN_API_VERSION + 998, PluginLoader::apiVersionOf(FALCON_MISMATCHED_MODULE));
		PluginLoader loader;
		try
		{
			loader.load(FALCON_MISMATCHED_MODULE);
			CPPUNIT_FAIL("a module with another API version was loaded");
		}
		catch (const PluginLoadException& e)
		{
			CPPUNIT_ASSERT(
				e.message().find("implements plugin API version " + std::to_string(FALCON_PLUGIN_API_VERSION + 998)
					+ ", but this host speaks version " + std::to_string(FALCON_PLUGIN_API_VERSION))
				!= std::string::npos);
		}
		CPPUNIT_ASSERT(!loader.loaded());
		// The loader is still usable for the right module.
		loader.load(FALCON_PLUGIN_MODULE);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), loader.actions().size());
	}

	/// Loading a module runs its code: one that another user could have written (or replaced) is
	/// refused, whatever it holds. A sticky directory is fine: nobody replaces what is not theirs.
	void testModuleOthersCouldWriteIsRefused()
	{
		const std::string place = testDirectory() + "/shared-modules";
		Poco::File(place).createDirectories();
		const std::string module = place + "/libfalcon-oauth2-plugin.so";
		Poco::File(FALCON_PLUGIN_MODULE).copyTo(module);
		const auto refusal = [&] {
			try
			{
				PluginLoader().load(module);
			}
			catch (const PluginLoadException& e)
			{
				return e.message();
			}
			return std::string("loaded");
		};
		::chmod(place.c_str(), 0755);
		::chmod(module.c_str(), 0666);
		CPPUNIT_ASSERT_EQUAL(module + " is writable by group or others; refusing to load it (chmod go-w)", refusal());
		::chmod(module.c_str(), 0755);
		::chmod(place.c_str(), 0777);
		CPPUNIT_ASSERT_EQUAL(module + " is in a directory writable by group or others; refusing to load it", refusal());
		::chmod(place.c_str(), 01777);
		CPPUNIT_ASSERT_EQUAL(std::string("loaded"), refusal());
		if (::geteuid() == 0)
		{
			::chmod(place.c_str(), 0755);
			CPPUNIT_ASSERT_EQUAL(0, ::chown(module.c_str(), 65534, 65534));
			CPPUNIT_ASSERT_EQUAL(module + " belongs to another user (uid 65534); refusing to load it", refusal());
		}
	}

	void testPreviousApiVersionIsRefused()
	{
		// Version 1 reported a cancelled call as a timeout: a host of this version must not load it.
		CPPUNIT_ASSERT_EQUAL(2, FALCON_PLUGIN_API_VERSION);
		PluginLoader loader;
		try
		{
			loader.load(FALCON_PREVIOUS_API_MODULE);
			CPPUNIT_FAIL("a module of the previous API version was loaded");
		}
		catch (const PluginLoadException& e)
		{
			CPPUNIT_ASSERT_MESSAGE(e.message(),
				e.message().find("implements plugin API version 1, but this host speaks version 2")
					!= std::string::npos);
		}
		CPPUNIT_ASSERT(!loader.loaded());
	}

	void testForeignCxxToolchainIsRefused()
	{
		// The right API version, but C++ objects laid out by another standard library and Poco.
		CPPUNIT_ASSERT_EQUAL(
			std::string("c++abi=1013 libc++ poco=0x010D0000"), PluginLoader::cxxAbiOf(FALCON_FOREIGN_ABI_MODULE));
		CPPUNIT_ASSERT_EQUAL(std::string(FALCON_PLUGIN_CXX_ABI_TAG), PluginLoader::cxxAbiOf(FALCON_PLUGIN_MODULE));
		PluginLoader loader;
		try
		{
			loader.load(FALCON_FOREIGN_ABI_MODULE);
			CPPUNIT_FAIL("a module built with another C++ toolchain was loaded");
		}
		catch (const PluginLoadException& e)
		{
			CPPUNIT_ASSERT_MESSAGE(e.message(),
				e.message().find("was built with another C++ toolchain (c++abi=1013 libc++ poco=0x010D0000; this host: "
					+ std::string(FALCON_PLUGIN_CXX_ABI_TAG) + ")")
					!= std::string::npos);
			CPPUNIT_ASSERT(e.message().find("falcon_plugin.h") != std::string::npos);
		}
		CPPUNIT_ASSERT(!loader.loaded());
		// A host that says it was built like that module is refused by the real one instead.
		PluginLoader foreignHost("c++abi=1013 libc++ poco=0x010D0000");
		CPPUNIT_ASSERT_THROW(foreignHost.load(FALCON_PLUGIN_MODULE), PluginLoadException);
		// So is a host built before a result could carry an output the module shares: its
		// inlined output() would hand the module's own object out to be changed.
		std::string previousClasses = FALCON_PLUGIN_CXX_ABI_TAG;
		previousClasses.erase(previousClasses.find(" classes=2"));
		PluginLoader previousHost(previousClasses);
		CPPUNIT_ASSERT_THROW(previousHost.load(FALCON_PLUGIN_MODULE), PluginLoadException);
		loader.load(FALCON_PLUGIN_MODULE);
		CPPUNIT_ASSERT(loader.loaded());
	}

	void testNotAPluginIsRefused()
	{
		PluginLoader loader;
		CPPUNIT_ASSERT_THROW(loader.load("/nonexistent/libplugin.so"), PluginLoadException);
		try
		{
			loader.load(FALCON_PLUGIN_API_LIBRARY);
			CPPUNIT_FAIL("a library without the version symbol was loaded");
		}
		catch (const PluginLoadException& e)
		{
			CPPUNIT_ASSERT(e.message().find("is not a Falcon plugin (it has no falcon_plugin_api_version symbol)")
				!= std::string::npos);
		}
		const std::string text = testDirectory() + "/not-a-module.so";
		Poco::FileOutputStream(text) << "just text";
		CPPUNIT_ASSERT_THROW(loader.load(text), PluginLoadException);
	}

	void testOnlyTheContractIsExported()
	{
		const Finished nm = runProgram("nm", {"-D", "--defined-only", FALCON_PLUGIN_MODULE});
		CPPUNIT_ASSERT_EQUAL(0, nm.status);
		const std::string& symbols = nm.out;
		std::set<std::string> names;
		std::istringstream lines(symbols);
		for (std::string address, type, name; lines >> address >> type >> name;) names.insert(name);
		const std::set<std::string> expected{"falcon_plugin_api_version", "falcon_plugin_cxx_abi",
			"falcon_plugin_describe", "falcon_plugin_free", "falcon_plugin_invoke", "pocoBuildManifest"};
		CPPUNIT_ASSERT_EQUAL_MESSAGE(symbols, expected.size(), names.size());
		CPPUNIT_ASSERT(names == expected);
	}

	void testTwoCopiesSideBySide()
	{
		const std::string copy = copyModule(testDirectory() + "/second-copy");

		auto emulator = startEmulator();
		const auto connection = connectionFor(*emulator);
		PluginLoader first, second;
		first.load(FALCON_PLUGIN_MODULE);
		second.load(copy);
		CPPUNIT_ASSERT(invokeToken(first, connection).ok());
		CPPUNIT_ASSERT(invokeToken(second, connection).ok());
		// Each copy keeps its own sessions: one token request each, then both serve from cache.
		CPPUNIT_ASSERT(invokeToken(first, connection).output()->getValue<bool>("cached"));
		CPPUNIT_ASSERT(invokeToken(second, connection).output()->getValue<bool>("cached"));
		CPPUNIT_ASSERT_EQUAL(2ul, emulator->log().counters().tokenRequests);
		first.unload();
		CPPUNIT_ASSERT(invokeToken(second, connection, "{\"force\": true}").ok());
	}

	/// The module sends through its wire module, loaded on the first request: a module installed
	/// without it loads, answers what needs no request, and says what is missing when it must send.
	void testModuleWithoutItsWireSaysSo()
	{
		const std::string alone = copyModule(testDirectory() + "/without-wire", false);
		auto emulator = startEmulator();
		PluginLoader plugin;
		plugin.load(alone);
		const auto result = invokeToken(plugin, connectionFor(*emulator));
		CPPUNIT_ASSERT(!result.ok());
		const std::string text = result.toJSON();
		CPPUNIT_ASSERT_MESSAGE(text, text.find("cannot load the plugin's network module") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(text, text.find("falcon-oauth2/libfalcon-oauth2-wire.so") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0ul, emulator->log().counters().tokenRequests);
	}

	/// The wire module is code the plugin module loads: held to the rules the module was loaded by.
	void testWireOthersCouldWriteIsRefused()
	{
		const std::string place = testDirectory() + "/writable-wire";
		const std::string module = copyModule(place);
		const std::string wire = place + "/falcon-oauth2/libfalcon-oauth2-wire.so";
		::chmod(wire.c_str(), 0666);
		auto emulator = startEmulator();
		PluginLoader plugin;
		plugin.load(module);
		const std::string text = invokeToken(plugin, connectionFor(*emulator)).toJSON();
		CPPUNIT_ASSERT_MESSAGE(text, text.find(wire + " is writable by group or others") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0ul, emulator->log().counters().tokenRequests);
		::chmod(wire.c_str(), 0755);
		CPPUNIT_ASSERT(invokeToken(plugin, connectionFor(*emulator)).ok()); // tried again: now loads
	}

	void testThirtyTwoThreadsOneTokenRequest()
	{
		auto emulator = startEmulator();
		emulator->faults().add("token=delay-headers:200x1"); // keep the first flight in the air
		const auto connection = connectionFor(*emulator);
		PluginLoader plugin;
		plugin.load(FALCON_PLUGIN_MODULE);
		std::vector<std::thread> threads;
		std::vector<std::string> tokens(32);
		for (std::size_t i = 0; i < tokens.size(); ++i)
		{
			threads.emplace_back([&, i] {
				const ActionResult result = invokeToken(plugin, connection);
				if (result.ok()) tokens[i] = result.output()->getObject("body")->getValue<std::string>("access_token");
			});
		}
		for (auto& thread : threads) thread.join();
		CPPUNIT_ASSERT_EQUAL(1ul, emulator->log().counters().tokenRequests);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), std::set<std::string>(tokens.begin(), tokens.end()).size());
		CPPUNIT_ASSERT(!tokens.front().empty());
	}

	/// Hits on many threads read the outputs the module shares while half of them change their
	/// own copies, as a workflow masks them: no hit sees another's change (and under
	/// ThreadSanitizer, nothing races).
	void testThreadsChangingHitsReachNoOtherHit()
	{
		auto emulator = startEmulator();
		const auto connection = connectionFor(*emulator);
		PluginLoader plugin;
		plugin.load(FALCON_PLUGIN_MODULE);
		const std::string token =
			invokeToken(plugin, connection).output()->getObject("body")->getValue<std::string>("access_token");
		std::atomic<int> wrong{0};
		std::vector<std::thread> threads;
		for (int t = 0; t < 8; ++t)
		{
			threads.emplace_back([&, t] {
				for (int i = 0; i < 200; ++i)
				{
					const ActionResult hit = invokeToken(plugin, connection);
					if (!hit.ok() || hit.toJSON().find(token) == std::string::npos) ++wrong;
					if ((i + t) % 2 != 0) continue;
					Poco::JSON::Object::Ptr body = hit.output()->getObject("body");
					if (body->getValue<std::string>("access_token") != token) ++wrong;
					body->set("access_token", std::string("***"));
				}
			});
		}
		for (auto& thread : threads) thread.join();
		CPPUNIT_ASSERT_EQUAL(0, wrong.load());
		CPPUNIT_ASSERT_EQUAL(1ul, emulator->log().counters().tokenRequests);
	}
};

FALCON_REGISTER_SUITE(PluginIsolationTest);
