// falcon-emulator: an offline Falcon OAuth2 API on 127.0.0.1, one listener per cloud.

#include "FalconEmulator.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/RandomStream.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Application.h>

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <iostream>
#include <sstream>

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
		options.addOption(Option("clients", "",
			"JSON file of API clients: {\"clients\": [{\"client_id\", \"client_secret\", \"cloud\", \"member_cids\", "
			"\"allowed_ips\"}]}")
							  .argument("FILE"));
		options.addOption(Option("clouds", "",
			"comma-separated clouds to serve, one listener each (default: us-1,us-2,us-3,eu-1,us-gov-1,us-gov-2)")
							  .argument("LIST"));
		options.addOption(Option("port", "", "first port; the clouds get consecutive ports (default: 0, any free port)")
							  .argument("PORT"));
		options.addOption(Option("plain", "", "serve plain HTTP instead of TLS (loopback only, like everything here)"));
		options.addOption(Option("bind", "",
			"listen on this address instead of 127.0.0.1: a loopback address, or one in 198.18.0.0/15 (the "
			"benchmarking range a test gives its own network namespaces)")
							  .argument("ADDRESS"));
		options.addOption(Option("tls-dir", "",
			"where the CA and server certificate are made on first start and reused (default: a temporary directory)")
							  .argument("DIR"));
		options.addOption(Option("expires-in", "", "token lifetime in seconds (default: 1799)").argument("SECONDS"));
		options.addOption(
			Option("rate-limit", "", "token requests per source address per minute (default: 300)").argument("N"));
		options.addOption(
			Option("retry-after-ms", "", "send X-Ratelimit-Retryafter in epoch milliseconds (default: epoch seconds)"));
		options.addOption(Option("fault", "",
			"inject a fault: ROUTE=FAULT[xN], e.g. token=503x2, revoke=reset, token=delay-headers:3000 (repeatable)")
							  .argument("SPEC")
							  .repeatable(true));
		options.addOption(Option("random-faults", "",
			"each token and revoke request fails at random with this probability, drawing one of the listed faults "
			"(default 500,502,503), e.g. 0.05 or 0.05:500,503,truncate")
							  .argument("RATE[:FAULTS]"));
		options.addOption(
			Option("ready-file", "", "when listening, write {\"clouds\": {name: url}, \"ca_file\": path} here")
				.argument("FILE"));
		options.addOption(Option("print-env", "",
			"when listening, write what a client needs to reach the first cloud as shell lines (FALCON_CLIENT_ID, "
			"FALCON_CLIENT_SECRET, FALCON_BASE_URL, FALCON_CA_BUNDLE) to FILE (made readable by you only), - for "
			"standard output (the report then goes to standard error); without --clients a client is made up for it")
							  .argument("FILE"));
		options.addOption(Option("detach", "",
			"go on in the background once listening: print the environment --print-env describes (on standard output "
			"unless it names a FILE) and FALCON_EMULATOR_PID, then return; for eval \"$(falcon-emulator --detach)\", "
			"stopped with kill $FALCON_EMULATOR_PID"));
	}

	void handleOption(const std::string& name, const std::string& value) override
	{
		Application::handleOption(name, value);
		if (name == "help") _help = true;
		else if (name == "clients") _options.clients = ApiClients::fromFile(value);
		else if (name == "clouds")
		{
			_options.clouds.clear();
			for (const auto& cloud : Poco::StringTokenizer(
					 value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY))
				_options.clouds.push_back(cloud);
		}
		else if (name == "port") _options.firstPort = static_cast<unsigned short>(number(name, value, 65535));
		else if (name == "plain") _options.tls = false;
		else if (name == "bind")
		{
			_options.bindAddress = bindable(value);
			_options.certificateIpAddresses.push_back(value); // the certificate names where it listens
		}
		else if (name == "tls-dir") _options.tlsDirectory = value;
		else if (name == "expires-in") _options.expiresIn = std::chrono::seconds(number(name, value, 86400));
		else if (name == "rate-limit") _options.rateLimit = number(name, value, 1000000);
		else if (name == "retry-after-ms") _options.retryAfterMilliseconds = true;
		else if (name == "fault") _faults.push_back(value);
		else if (name == "random-faults") _randomFaults = value;
		else if (name == "ready-file") _readyFile = value;
		else if (name == "print-env") _envFile = value;
		else if (name == "detach") _detach = true;
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
	/// A client with a random ID and secret, at home in `cloud`.
	static ApiClient madeUpClient(const std::string& cloud)
	{
		Poco::RandomInputStream random;
		auto draw = [&random](std::size_t length, const std::string& alphabet) {
			std::string text;
			for (std::size_t i = 0; i < length; ++i)
				text += alphabet[static_cast<unsigned char>(random.get()) % alphabet.size()];
			return text;
		};
		ApiClient client;
		client.clientId = draw(32, "0123456789abcdef");
		client.clientSecret = draw(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
		client.cloud = cloud;
		return client;
	}

	/// The four FALCON_* variables for a shell.
	static std::string environmentOf(FalconEmulator& emulator, const std::string& cloud)
	{
		const ApiClient client = *emulator.clients().firstOf(cloud);
		std::ostringstream lines;
		auto line = [&lines](
						const std::string& name, const std::string& value) { lines << name << "='" << value << "'\n"; };
		line("FALCON_CLIENT_ID", client.clientId);
		line("FALCON_CLIENT_SECRET", client.clientSecret);
		line("FALCON_BASE_URL", emulator.baseUrl(cloud));
		if (!emulator.caFile().empty()) line("FALCON_CA_BUNDLE", emulator.caFile());
		lines << "export FALCON_CLIENT_ID FALCON_CLIENT_SECRET FALCON_BASE_URL"
			  << (emulator.caFile().empty() ? "" : " FALCON_CA_BUNDLE") << "\n";
		return lines.str();
	}

	/// `text` into a file only its owner may read (it holds the client secret), whole or not at all.
	static void writePrivateFile(const std::string& path, const std::string& text)
	{
		const std::string partial = path + ".partial";
		const int descriptor = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (descriptor < 0) throw Poco::FileException("--print-env: cannot write " + partial);
		const bool written = writeAll(descriptor, text);
		const bool closed = ::close(descriptor) == 0;
		if (!written || !closed) throw Poco::WriteFileException("--print-env: cannot write " + partial);
		Poco::File(partial).renameTo(path); // readers never see half a file
	}

	static bool writeAll(int descriptor, const std::string& text)
	{
		std::size_t done = 0;
		while (done < text.size())
		{
			const ssize_t n = ::write(descriptor, text.data() + done, text.size() - done);
			if (n < 0 && errno == EINTR) continue;
			if (n <= 0) return false;
			done += static_cast<std::size_t>(n);
		}
		return true;
	}

	/// --detach, before any thread starts: the process the caller started waits until the
	/// emulator listens, prints what the emulator sends it, and ends (with EXIT_SOFTWARE when the
	/// emulator ended first). The emulator goes on in a session of its own, its standard output
	/// closed so that a `$(...)` around the command ends; its standard error stays open until it
	/// listens, for the reason it could not. Returns, in the emulator, the pipe to the caller;
	/// in the caller, -1.
	int detach(int& callerStatus)
	{
		int ready[2];
		if (::pipe2(ready, O_CLOEXEC) != 0) throw Poco::SystemException("--detach: cannot make a pipe");
		const pid_t child = ::fork();
		if (child < 0) throw Poco::SystemException("--detach: cannot start a process");
		if (child > 0)
		{
			::close(ready[1]);
			std::string text;
			char buffer[4096];
			for (ssize_t n; (n = ::read(ready[0], buffer, sizeof buffer)) != 0;)
			{
				if (n > 0) text.append(buffer, static_cast<std::size_t>(n));
				else if (errno != EINTR) break;
			}
			::close(ready[0]);
			if (text.empty()) std::cerr << "falcon-emulator: did not start\n";
			else std::cout << text << std::flush;
			callerStatus = text.empty() ? EXIT_SOFTWARE : EXIT_OK;
			return -1;
		}
		::close(ready[0]);
		::setsid();
		redirectToNull(STDIN_FILENO);
		redirectToNull(STDOUT_FILENO);
		return ready[1];
	}

	static void redirectToNull(int descriptor)
	{
		const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0) return;
		::dup2(null, descriptor);
		::close(null);
	}

	int serve(const std::vector<std::string>& arguments)
	{
		if (_help)
		{
			Poco::Util::HelpFormatter help(options());
			help.setCommand(commandName());
			help.setUsage("[OPTIONS]");
			help.setHeader("An offline Falcon OAuth2 API on 127.0.0.1: POST /oauth2/token, POST /oauth2/revoke, GET "
						   "/devices/queries/devices/v1 (the probe: Hosts query, bearer token), GET "
						   "/devices/queries/devices-scroll/v1, GET|POST "
						   "/devices/entities/devices/v2 (the Hosts routes of CrowdStrike's Ansible modules), and GET "
						   "/emulator/stats, GET|DELETE /emulator/requests, "
						   "POST|DELETE /emulator/faults. Stops on SIGINT or SIGTERM.");
			help.format(std::cout);
			return EXIT_OK;
		}
		if (!arguments.empty())
		{
			std::cerr << "falcon-emulator: unexpected argument '" << arguments.front() << "' (see --help)\n";
			return EXIT_USAGE;
		}
		if (_detach && _envFile.empty()) _envFile = "-";
		int toCaller = -1;
		if (_detach)
		{
			int callerStatus = EXIT_OK;
			toCaller = detach(callerStatus);
			if (toCaller < 0) return callerStatus;
		}
		// The client --print-env names: the first of the first cloud's, or one made up for it.
		const std::string firstCloud = _options.clouds.empty() ? "us-1" : _options.clouds.front();
		if (!_envFile.empty() && !_options.clients.firstOf(firstCloud)) _options.clients.add(madeUpClient(firstCloud));
		FalconEmulator emulator(_options);
		for (const auto& spec : _faults) emulator.faults().add(spec);
		if (!_randomFaults.empty()) setRandomFaults(emulator.faults(), _randomFaults);
		emulator.start();

		Poco::JSON::Object clouds(Poco::JSON_PRESERVE_KEY_ORDER);
		// With the environment on standard output (or detached), the report goes to standard error.
		std::ostream& report = _envFile == "-" || _detach ? std::cerr : std::cout;
		for (const auto& cloud : emulator.clouds())
		{
			report << "falcon-emulator: " << cloud << " " << emulator.baseUrl(cloud) << "\n";
			clouds.set(cloud, emulator.baseUrl(cloud));
		}
		if (!emulator.caFile().empty()) report << "falcon-emulator: CA file " << emulator.caFile() << "\n";
		report << "falcon-emulator: " << emulator.clients().size() << " API client(s); Ctrl-C stops" << std::endl;
		if (_detach)
		{
			std::string text = _envFile == "-" ? environmentOf(emulator, firstCloud) : "";
			if (_envFile != "-") writePrivateFile(_envFile, environmentOf(emulator, firstCloud));
			text += "FALCON_EMULATOR_PID=" + std::to_string(::getpid()) + "\nexport FALCON_EMULATOR_PID\n";
			const bool passedOn = writeAll(toCaller, text);
			::close(toCaller);
			if (!passedOn) throw Poco::WriteFileException("--detach: the caller went away");
			redirectToNull(STDERR_FILENO);
		}
		else if (_envFile == "-") std::cout << environmentOf(emulator, firstCloud) << std::flush;
		else if (!_envFile.empty()) writePrivateFile(_envFile, environmentOf(emulator, firstCloud));
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
		report << "falcon-emulator: stopped after " << counters.tokenRequests << " token request(s), "
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
			throw Poco::InvalidArgumentException(
				"--random-faults: expected a rate from 0 to 1, got '" + spec.substr(0, colon) + "'");
		std::vector<Fault> faults;
		const std::string list = colon == std::string::npos ? "500,502,503" : spec.substr(colon + 1);
		for (const auto& name :
			Poco::StringTokenizer(list, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY))
			faults.push_back(Fault::parse(name));
		plan.setRandom(rate, faults);
	}

	/// `value` when it is an IPv4 address on loopback or in 198.18.0.0/15; nothing else is ever listened on.
	static std::string bindable(const std::string& value)
	{
		Poco::Net::IPAddress address;
		if (!Poco::Net::IPAddress::tryParse(value, address) || address.family() != Poco::Net::IPAddress::IPv4
			|| !(address.isLoopback()
				|| (address & Poco::Net::IPAddress(15, Poco::Net::IPAddress::IPv4))
					== Poco::Net::IPAddress("198.18.0.0")))
			throw Poco::InvalidArgumentException(
				"--bind: expected an IPv4 address on loopback or in 198.18.0.0/15, got '" + value + "'");
		return value;
	}

	static unsigned number(const std::string& name, const std::string& value, unsigned max)
	{
		unsigned parsed = 0;
		if (!Poco::NumberParser::tryParseUnsigned(value, parsed) || parsed > max)
			throw Poco::InvalidArgumentException(
				"--" + name + ": expected a whole number from 0 to " + std::to_string(max) + ", got '" + value + "'");
		return parsed;
	}

	EmulatorOptions _options;
	std::vector<std::string> _faults;
	std::string _randomFaults;
	std::string _readyFile;
	std::string _envFile; ///< --print-env: a file, or - for standard output
	bool _detach = false;
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
