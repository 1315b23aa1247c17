#include "FalconHost.h"

#include "HostError.h"

#include <iostream>

int main(int argc, char** argv)
{
	Falcon::Host::FalconHost host;
	try
	{
		host.init(argc, argv);
	}
	catch (const Poco::Exception& e)
	{
		std::cerr << "falcon-host: " << e.displayText() << " (see --help)\n";
		return Falcon::Host::HostError::USAGE;
	}
	return host.run();
}
