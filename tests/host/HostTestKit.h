#pragma once

#include "FalconEmulator.h"

#include <Poco/Process.h>

#include <cstdlib>
#include <string>

namespace Falcon {
namespace Testing {

/// The suite's own environment must not leak into the falcon-host runs: what they see is only
/// what a test hands them.
inline void clearConnectionEnvironment()
{
	for (const char* name : {"FALCON_CLIENT_ID", "FALCON_CLIENT_SECRET", "FALCON_MEMBER_CID", "FALCON_CLOUD", "FALCON_BASE_URL",
		"FALCON_CA_BUNDLE", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"})
		::unsetenv(name);
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

} } // namespace Falcon::Testing
