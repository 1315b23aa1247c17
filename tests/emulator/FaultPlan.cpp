#include "FaultPlan.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

namespace Falcon {
namespace Emulator {

namespace {

struct Named
{
	const char* name;
	Fault::Kind kind;
	bool takesDelay;
};

const Named NAMES[] = {
	{"delay-headers", Fault::Kind::DelayHeaders, true},
	{"delay-body", Fault::Kind::DelayBody, true},
	{"trickle-headers", Fault::Kind::TrickleHeaders, true},
	{"trickle-body", Fault::Kind::TrickleBody, true},
	{"reset", Fault::Kind::Reset, false},
	{"truncate", Fault::Kind::Truncate, false},
	{"malformed-json", Fault::Kind::MalformedJson, false},
	{"empty-200", Fault::Kind::Empty200, false},
	{"oversized", Fault::Kind::Oversized, false},
	{"wrong-content-type", Fault::Kind::WrongContentType, false},
	{"redirect-foreign", Fault::Kind::RedirectForeign, false},
	{"redirect-loop", Fault::Kind::RedirectLoop, false},
};

const char* ROUTES[] = {"token", "revoke", "probe", "*"};

} // namespace

Fault Fault::parse(const std::string& text)
{
	Fault fault;
	const auto colon = text.find(':');
	const std::string name = text.substr(0, colon);
	int status = 0;
	if (Poco::NumberParser::tryParse(name, status))
	{
		if (status != 400 && status != 429 && status != 500 && status != 502 && status != 503)
			throw Poco::SyntaxException("fault: status " + name + " is not one of 400, 429, 500, 502, 503");
		fault.kind = Kind::Status;
		fault.status = status;
		const std::string unit = colon == std::string::npos ? "" : text.substr(colon + 1);
		if (colon != std::string::npos && (status != 429 || (unit != "s" && unit != "ms")))
			throw Poco::SyntaxException("fault: only 429 takes an argument, the Retryafter unit: 429:s or 429:ms");
		if (unit == "s") fault.retryAfterUnit = RetryAfterUnit::Seconds;
		if (unit == "ms") fault.retryAfterUnit = RetryAfterUnit::Milliseconds;
		return fault;
	}
	for (const Named& named : NAMES)
	{
		if (name != named.name) continue;
		fault.kind = named.kind;
		if (named.takesDelay)
		{
			unsigned milliseconds = 0;
			if (colon == std::string::npos
				|| !Poco::NumberParser::tryParseUnsigned(text.substr(colon + 1), milliseconds))
				throw Poco::SyntaxException(
					"fault: " + name + " needs a delay in milliseconds, e.g. " + name + ":2000");
			fault.delay = std::chrono::milliseconds(milliseconds);
		}
		else if (colon != std::string::npos)
		{
			throw Poco::SyntaxException("fault: " + name + " takes no argument");
		}
		return fault;
	}
	throw Poco::SyntaxException("fault: unknown fault '" + name
		+ "' (429[:s|:ms], 500, 502, 503, delay-headers:MS, delay-body:MS, trickle-headers:MS, trickle-body:MS, reset, "
		  "truncate, malformed-json, empty-200, oversized, wrong-content-type, redirect-foreign, redirect-loop)");
}

std::string Fault::name() const
{
	if (kind == Kind::Status)
	{
		const char* unit = retryAfterUnit == RetryAfterUnit::Seconds
			? ":s"
			: (retryAfterUnit == RetryAfterUnit::Milliseconds ? ":ms" : "");
		return std::to_string(status) + unit;
	}
	for (const Named& named : NAMES)
	{
		if (named.kind == kind)
			return named.takesDelay ? std::string(named.name) + ":" + std::to_string(delay.count()) : named.name;
	}
	return "?";
}

void FaultPlan::add(const std::string& route, const Fault& fault, int times)
{
	bool known = false;
	for (const char* name : ROUTES) known = known || route == name;
	if (!known) throw Poco::SyntaxException("fault: unknown route '" + route + "' (token, revoke, probe or *)");
	if (times == 0 || times < ALWAYS) throw Poco::SyntaxException("fault: the count must be positive");
	std::lock_guard<std::mutex> lock(_mutex);
	_byRoute[route].push_back(Scripted{fault, times});
}

void FaultPlan::add(const std::string& spec)
{
	const auto equals = spec.find('=');
	if (equals == std::string::npos) throw Poco::SyntaxException("fault: expected ROUTE=FAULT[xN], got '" + spec + "'");
	std::string fault = spec.substr(equals + 1);
	int times = ALWAYS;
	const auto x = fault.rfind('x');
	if (x != std::string::npos && x + 1 < fault.size()
		&& fault.find_first_not_of("0123456789", x + 1) == std::string::npos)
	{
		times = static_cast<int>(Poco::NumberParser::parse(fault.substr(x + 1)));
		fault.erase(x);
	}
	add(spec.substr(0, equals), Fault::parse(fault), times);
}

std::optional<Fault> FaultPlan::take(std::deque<Scripted>& queue)
{
	if (queue.empty()) return std::nullopt;
	Scripted& front = queue.front();
	const Fault fault = front.fault;
	if (front.remaining != ALWAYS && --front.remaining == 0) queue.pop_front();
	_taken.notify_all();
	return fault;
}

void FaultPlan::setRandom(double rate, std::vector<Fault> faults, unsigned seed)
{
	if (!(rate >= 0 && rate <= 1)) throw Poco::SyntaxException("fault: a random fault rate lies between 0 and 1");
	if (rate > 0 && faults.empty()) throw Poco::SyntaxException("fault: random faults need at least one fault to draw");
	std::lock_guard<std::mutex> lock(_mutex);
	_randomRate = rate;
	_randomFaults = std::move(faults);
	_random.seed(seed);
}

std::optional<Fault> FaultPlan::next(const std::string& route)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (auto fault = take(_byRoute[route])) return fault;
	if (auto fault = take(_byRoute["*"])) return fault;
	if (_randomRate > 0 && (route == "token" || route == "revoke")
		&& std::uniform_real_distribution<double>(0, 1)(_random) < _randomRate)
		return _randomFaults[std::uniform_int_distribution<std::size_t>(0, _randomFaults.size() - 1)(_random)];
	return std::nullopt;
}

bool FaultPlan::untilTaken(const std::string& route, std::chrono::milliseconds limit)
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _taken.wait_for(lock, limit, [&] {
		const auto queue = _byRoute.find(route);
		return queue == _byRoute.end() || queue->second.empty();
	});
}

void FaultPlan::clear()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_byRoute.clear();
	_taken.notify_all();
}

}
} // namespace Falcon::Emulator
