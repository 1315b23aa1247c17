#pragma once

#include "ChildProcess.h"
#include "FalconEmulator.h"
#include "TestDirectory.h"

#include <Poco/Process.h>

#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Testing {

/// The suite's own environment must not leak into the falcon-host runs: what they see is only
/// what a test hands them. Every FALCON_<FIELD> is a connection setting, so all of them go (but
/// the test harness's own FALCON_TEST_*).
inline void clearConnectionEnvironment()
{
	std::vector<std::string> names{"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"};
	for (char** entry = environ; *entry; ++entry)
	{
		const std::string variable(*entry);
		const std::string name = variable.substr(0, variable.find('='));
		if (name.rfind("FALCON_", 0) == 0 && name.rfind("FALCON_TEST_", 0) != 0) names.push_back(name);
	}
	for (const auto& name : names) ::unsetenv(name.c_str());
}

/// The connection of `emulator`'s us-1 cloud, through the environment as a user would give it
/// (without FALCON_CLIENT_SECRET when `secret` is empty).
inline Poco::Process::Env connectionEnvironment(
	const Emulator::FalconEmulator& emulator, const std::string& client, const std::string& secret)
{
	Poco::Process::Env env;
	// falcon-host's shared token store goes to the test's own directory, never the user's.
	env["XDG_RUNTIME_DIR"] = testDirectory();
	env["FALCON_BASE_URL"] = emulator.baseUrl("us-1");
	env["FALCON_CA_BUNDLE"] = emulator.caFile();
	env["FALCON_CLIENT_ID"] = client;
	if (!secret.empty()) env["FALCON_CLIENT_SECRET"] = secret;
	return env;
}

/// falcon-host as a user runs it: the real binary in a subprocess, against an emulator of the
/// suite's own (one client, the clouds and children `emulatorOptions` gives).
class HostFixture: public CppUnit::TestFixture
{
public:
	void setUp() override
	{
		clearConnectionEnvironment();
		_emulator = std::make_unique<Emulator::FalconEmulator>(emulatorOptions());
		_emulator->start();
	}

	void tearDown() override { _emulator.reset(); }

protected:
	HostFixture(std::string client, std::string secret): _client(std::move(client)), _secret(std::move(secret)) {}

	/// us-1 with the suite's client; a suite changes what it needs.
	virtual Emulator::EmulatorOptions emulatorOptions() const
	{
		Emulator::EmulatorOptions options;
		options.clouds = {"us-1"};
		options.clients.add({_client, _secret, "us-1", {}, {}});
		return options;
	}

	/// The emulator's connection through the environment, with the suite's secret.
	Poco::Process::Env environment() const { return environment(_secret); }
	/// The same with another secret ("" for none).
	Poco::Process::Env environment(const std::string& secret) const
	{
		return connectionEnvironment(*_emulator, _client, secret);
	}

	static Finished host(
		const std::vector<std::string>& arguments, const Poco::Process::Env& env, const std::string& stdinText = "")
	{
		return runProgram(FALCON_HOST_BINARY, arguments, env, stdinText, {}, testDirectory());
	}

	/// With something done to the process while it runs (a signal).
	static Finished host(
		const std::vector<std::string>& arguments, const Poco::Process::Env& env, const WhileRunning& whileRunning)
	{
		return runProgram(FALCON_HOST_BINARY, arguments, env, "", whileRunning, testDirectory());
	}

	static std::string label(const Finished& run) { return run.label(); }

	const std::string _client;
	const std::string _secret;
	std::unique_ptr<Emulator::FalconEmulator> _emulator;
};

}
} // namespace Falcon::Testing
