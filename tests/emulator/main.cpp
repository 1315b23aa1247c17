// falcon-emulator: an offline Falcon OAuth2 API on 127.0.0.1, one listener per cloud.

#include "FalconEmulator.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Application.h>

#include <csignal>
#include <iostream>

#include <pthread.h>

using namespace Falcon::Emulator;
using Poco::Util::Option;
using Poco::Util::OptionSet;

class EmulatorApplication: public Poco::Util::Application
{
protected:
	void defineOptions(OptionSet& options) override
	{
		options.addOption(Option("help", "h", "show this help and exit"));
		options.addOption(Option("clients", "", "JSON file of API clients: {\"clients\": [{\"client_id\", \"client_secret\", \"cloud\", \"member_cids\", \"allowed_ips\"}]}")
							  .argument("FILE"));
		options.addOption(Option("clouds", "", "comma-separated clouds to serve, one listener each (default: us-1,us-2,us-3,eu-1,us-gov-1,us-gov-2)")
							  .argument("LIST"));
		options.addOption(Option("port", "", "first port; the clouds get consecutive ports (default: 0, any free port)").argument("PORT"));
		options.addOption(Option("plain", "", "serve plain HTTP instead of TLS (loopback only, like everything here)"));
		options.addOption(Option("tls-dir", "", "where the CA and server certificate are made on first start and reused (default: a temporary directory)")
							  .argument("DIR"));
		options.addOption(Option("expires-in", "", "token lifetime in seconds (default: 1799)").argument("SECONDS"));
		options.addOption(Option("rate-limit", "", "token requests per source address per minute (default: 300)").argument("N"));
		options.addOption(Option("retry-after-ms", "", "send X-Ratelimit-Retryafter in epoch milliseconds (default: epoch seconds)"));
		options.addOption(Option("fault", "", "inject a fault: ROUTE=FAULT[xN], e.g. token=503x2, revoke=reset, token=delay-headers:3000 (repeatable)")
							  .argument("SPEC")
							  .repeatable(true));
		options.addOption(Option("random-faults", "", "each token and revoke request fails at random with this probability, drawing one of the listed faults (default 500,502,503), e.g. 0.05 or 0.05:500,503,truncate")
							  .argument("RATE[:FAULTS]"));
		options.addOption(Option("ready-file", "", "when listening, write {\"clouds\": {name: url}, \"ca_file\": path} here").argument("FILE"));
	}

	void handleOption(const std::string& name, const std::string& value) override
	{
		Application::handleOption(name, value);
		if (name == "help") _help = true;
		else if (name == "clients") _options.clients = ApiClients::fromFile(value);
		else if (name == "clouds")
		{
			_options.clouds.clear();
			for (const auto& cloud : Poco::StringTokenizer(value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY))
				_options.clouds.push_back(cloud);
		}
		else if (name == "port") _options.firstPort = static_cast<unsigned short>(number(name, value, 65535));
		else if (name == "plain") _options.tls = false;
		else if (name == "tls-dir") _options.tlsDirectory = value;
		else if (name == "expires-in") _options.expiresIn = std::chrono::seconds(number(name, value, 86400));
		else if (name == "rate-limit") _options.rateLimit = number(name, value, 1000000);
		else if (name == "retry-after-ms") _options.retryAfterMilliseconds = true;
		else if (name == "fault") _faults.push_back(value);
		else if (name == "random-faults") _randomFaults = value;
		else if (name == "ready-file") _readyFile = value;
	}

	int main(const std::vector<std::string>& arguments) override
	{
		try
		{
			return serve(arguments);
		}
		catch (const Poco::Exception& e)
		{
			std::cerr << "falcon-emulator: " << e.displayText() << "\n";
			return EXIT_USAGE;
		}
	}

private:
	int serve(const std::vector<std::string>& arguments)
	{
		if (_help)
		{
			Poco::Util::HelpFormatter help(options());
			help.setCommand(commandName());
			help.setUsage("[OPTIONS]");
			help.setHeader("An offline Falcon OAuth2 API on 127.0.0.1: POST /oauth2/token, POST /oauth2/revoke, GET "
						   "/devices/queries/devices/v1 (the probe: Hosts query, bearer token), GET /devices/queries/devices-scroll/v1, GET|POST "
						   "/devices/entities/devices/v2 (the Hosts routes of CrowdStrike's Ansible modules), and GET /emulator/stats, GET|DELETE /emulator/requests, "
						   "POST|DELETE /emulator/faults. Stops on SIGINT or SIGTERM.");
			help.format(std::cout);
			return EXIT_OK;
		}
		if (!arguments.empty())
		{
			std::cerr << "falcon-emulator: unexpected argument '" << arguments.front() << "' (see --help)\n";
			return EXIT_USAGE;
		}
		FalconEmulator emulator(_options);
		for (const auto& spec : _faults) emulator.faults().add(spec);
		if (!_randomFaults.empty()) setRandomFaults(emulator.faults(), _randomFaults);
		emulator.start();

		Poco::JSON::Object clouds(Poco::JSON_PRESERVE_KEY_ORDER);
		for (const auto& cloud : emulator.clouds())
		{
			std::cout << "falcon-emulator: " << cloud << " " << emulator.baseUrl(cloud) << "\n";
			clouds.set(cloud, emulator.baseUrl(cloud));
		}
		if (!emulator.caFile().empty()) std::cout << "falcon-emulator: CA file " << emulator.caFile() << "\n";
		std::cout << "falcon-emulator: " << emulator.clients().size() << " API client(s); Ctrl-C stops" << std::endl;
		if (!_readyFile.empty())
		{
			Poco::JSON::Object ready(Poco::JSON_PRESERVE_KEY_ORDER);
			ready.set("clouds", clouds);
			ready.set("ca_file", emulator.caFile());
			const std::string partial = _readyFile + ".partial";
			{
				Poco::FileOutputStream out(partial);
				ready.stringify(out);
			}
			Poco::File(partial).renameTo(_readyFile); // readers never see half a file
		}
		waitForStopSignal();
		emulator.stop();
		const Counters counters = emulator.log().counters();
		std::cout << "falcon-emulator: stopped after " << counters.tokenRequests << " token request(s), "
				  << counters.revocations << " revocation(s), " << counters.rateLimited << " rate-limited, "
				  << counters.faults << " fault(s) injected" << std::endl;
		return EXIT_OK;
	}

	/// The stop signals are blocked in every thread (see main), so this is where they arrive.
	static void waitForStopSignal()
	{
		sigset_t stopSignals;
		sigemptyset(&stopSignals);
		for (int signal : {SIGINT, SIGTERM, SIGQUIT}) sigaddset(&stopSignals, signal);
		int received = 0;
		sigwait(&stopSignals, &received);
	}

	/// `RATE[:FAULT,FAULT...]`.
	static void setRandomFaults(FaultPlan& plan, const std::string& spec)
	{
		const auto colon = spec.find(':');
		double rate = 0;
		if (!Poco::NumberParser::tryParseFloat(spec.substr(0, colon), rate) || rate < 0 || rate > 1)
			throw Poco::InvalidArgumentException("--random-faults: expected a rate from 0 to 1, got '" + spec.substr(0, colon) + "'");
		std::vector<Fault> faults;
		const std::string list = colon == std::string::npos ? "500,502,503" : spec.substr(colon + 1);
		for (const auto& name : Poco::StringTokenizer(list, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY))
			faults.push_back(Fault::parse(name));
		plan.setRandom(rate, faults);
	}

	static unsigned number(const std::string& name, const std::string& value, unsigned max)
	{
		unsigned parsed = 0;
		if (!Poco::NumberParser::tryParseUnsigned(value, parsed) || parsed > max)
			throw Poco::InvalidArgumentException("--" + name + ": expected a whole number from 0 to " + std::to_string(max) + ", got '" + value + "'");
		return parsed;
	}

	EmulatorOptions _options;
	std::vector<std::string> _faults;
	std::string _randomFaults;
	std::string _readyFile;
	bool _help = false;
};

int main(int argc, char** argv)
{
	// Block the stop signals before any thread starts, so that every thread inherits the mask
	// and waitForStopSignal() is the one place they arrive.
	sigset_t stopSignals;
	sigemptyset(&stopSignals);
	sigaddset(&stopSignals, SIGINT);
	sigaddset(&stopSignals, SIGTERM);
	sigaddset(&stopSignals, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

	EmulatorApplication application;
	try
	{
		application.init(argc, argv);
	}
	catch (const Poco::Exception& e)
	{
		std::cerr << "falcon-emulator: " << e.displayText() << " (see --help)\n";
		return Poco::Util::Application::EXIT_USAGE;
	}
	return application.run();
}
