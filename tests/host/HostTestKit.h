#pragma once

#include "FalconEmulator.h"

#include <Poco/Process.h>

#include <unistd.h>

#include <cstdlib>
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
inline Poco::Process::Env connectionEnvironment(const Emulator::FalconEmulator& emulator, const std::string& client, const std::string& secret)
{
	Poco::Process::Env env;
	env["FALCON_BASE_URL"] = emulator.baseUrl("us-1");
	env["FALCON_CA_BUNDLE"] = emulator.caFile();
	env["FALCON_CLIENT_ID"] = client;
	if (!secret.empty()) env["FALCON_CLIENT_SECRET"] = secret;
	return env;
}

}} // namespace Falcon::Testing
