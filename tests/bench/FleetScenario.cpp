#include "BenchKit.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <sstream>

namespace Falcon {
namespace Bench {

/// 13. The simulated fleet of tests/fleet/fleet.py: machines in network namespaces of its own
/// sharing one token through Redis over TLS, one of them cut off from the store for a wave.
std::vector<Row> fleetRun()
{
	if (::geteuid() != 0)
	{
		std::cerr << "falcon-bench: the fleet rows need root (network namespaces); left out\n";
		return {};
	}
	const std::string figuresFile = Poco::TemporaryFile::tempName();
	// The fleet brings its own emulator and stands for many machines: every core is its, not the
	// one this process keeps to for the network contenders (a child inherits that).
	cpu_set_t kept;
	::sched_getaffinity(0, sizeof(kept), &kept);
	cpu_set_t every;
	CPU_ZERO(&every);
	for (long core = 0; core < ::sysconf(_SC_NPROCESSORS_ONLN) && core < CPU_SETSIZE; ++core) CPU_SET(core, &every);
	::sched_setaffinity(0, sizeof(every), &every);
	Poco::ProcessHandle fleet = Poco::Process::launch(FALCON_PYTHON,
		{FALCON_FLEET_SCRIPT, "--falcon-host", FALCON_HOST_BINARY, "--emulator", FALCON_EMULATOR_BINARY, "--json",
			figuresFile});
	::sched_setaffinity(0, sizeof(kept), &kept);
	const bool passed = fleet.wait() == 0;
	Poco::JSON::Object::Ptr figures;
	{
		Poco::FileInputStream in(figuresFile);
		figures = Poco::JSON::Parser().parse(in).extract<Poco::JSON::Object::Ptr>();
	}
	Poco::File(figuresFile).remove();
	const auto number = [&](const std::string& name) { return figures->getValue<double>(name); };
	std::vector<double> waves;
	for (const auto& wave : *figures->getArray("wave_seconds")) waves.push_back(wave.convert<double>() * 1000);
	std::sort(waves.begin(), waves.end());
	std::ostringstream fleetName;
	fleetName << figures->getValue<int>("hosts") << " hosts x " << figures->getValue<int>("processes_per_host")
			  << " processes, Redis over TLS";

	Row mints;
	mints.measure = "13 fleet";
	mints.contender = fleetName.str() + ": mints";
	std::ostringstream perPeriod;
	perPeriod << number("mints_per_renewal_period") << " per renewal period";
	mints.median = perPeriod.str();
	mints.p99 = std::to_string(static_cast<long long>(number("mints_outside_partition"))) + " in "
		+ std::to_string(static_cast<long long>(number("renewal_periods"))) + " periods";
	mints.target = "1 per period (+1 at start)";
	mints.verdict = passed ? "pass" : "FAIL";
	mints.figures->set("mints_per_renewal_period", number("mints_per_renewal_period"));
	mints.figures->set("processes", number("processes"));

	Row wave;
	wave.measure = "13 fleet";
	wave.contender = fleetName.str() + ": one wave";
	wave.median = std::to_string(static_cast<long long>(waves[waves.size() / 2])) + " ms";
	wave.p99 = std::to_string(static_cast<long long>(number("processes"))) + " processes in all";
	wave.figures->set("wall_ms", waves[waves.size() / 2]);

	Row partition;
	partition.measure = "13 fleet";
	partition.contender = "one host cut off from Redis for a wave";
	partition.median = std::to_string(static_cast<long long>(number("partition_fallbacks"))) + " minted locally";
	partition.p99 = std::to_string(static_cast<long long>(number("tokens_refused"))) + " tokens refused";
	partition.target = "all served, none refused";
	partition.verdict = passed && number("tokens_refused") == 0 ? "pass" : "FAIL";
	partition.figures->set("partition_fallbacks", number("partition_fallbacks"));
	return {mints, wave, partition};
}

}
} // namespace Falcon::Bench
