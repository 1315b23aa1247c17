#include "FalconHost.h"

#include "HostError.h"

#include <csignal>

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

/// A core dump of falcon-host would hold the client secret and every token it saw: none is
/// written unless FALCON_ALLOW_CORE_DUMPS=1 asks for one (to debug a crash).
void refuseCoreDumps()
{
	const char* allowed = std::getenv("FALCON_ALLOW_CORE_DUMPS");
	if (allowed && std::string(allowed) == "1") return;
	const rlimit none{0, 0};
	::setrlimit(RLIMIT_CORE, &none);
	::prctl(PR_SET_DUMPABLE, 0); // also keeps other processes of this user from reading its memory
}

} // namespace

int main(int argc, char** argv)
{
	refuseCoreDumps();
	// A write past the file size limit (ulimit -f) would kill the run after its call succeeded,
	// its result unprinted: ignored, the write fails with EFBIG, which the token store takes as
	// it takes a full disk (one warning, the call goes on without it).
	std::signal(SIGXFSZ, SIG_IGN);
	Falcon::Host::FalconHost host;
	try
	{
		host.init(argc, argv);
	}
	catch (const Falcon::Host::HostError& e)
	{
		std::cerr << "falcon-host: " << e.what() << "\n";
		return e.exitStatus();
	}
	return host.run();
}
