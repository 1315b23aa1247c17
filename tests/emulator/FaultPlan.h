#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace Falcon {
namespace Emulator {

/// One way to misbehave on a request.
struct Fault
{
	enum class Kind
	{
		Status, ///< answer with `status` (400, 429, 500, 502, 503) and a meta-only body
		DelayHeaders, ///< wait `delay` before anything is written
		DelayBody, ///< write the headers and half the body, wait `delay`, write the rest
		TrickleHeaders, ///< write the whole reply, status line first, one byte every `delay`
		TrickleBody, ///< write the headers at once, then the body one byte every `delay`
		Reset, ///< reset the connection (RST) instead of answering
		Truncate, ///< announce the full body, send half, close
		MalformedJson, ///< 201 with a body that is not JSON
		Empty200, ///< 200 with an empty body
		Oversized, ///< 201 with a 2 MiB body
		WrongContentType, ///< the reply as text/html
		RedirectForeign, ///< 308 to the same route on a host that is not CrowdStrike's
		RedirectLoop ///< 308 back to the very URL that was asked for
	};

	/// How a 429 spells X-Ratelimit-Retryafter: as the emulator is set up, or forced.
	enum class RetryAfterUnit
	{
		Configured,
		Seconds,
		Milliseconds
	};

	Kind kind = Kind::Status;
	int status = 0;
	std::chrono::milliseconds delay{0};
	RetryAfterUnit retryAfterUnit = RetryAfterUnit::Configured;

	/// `400`, `503`, `429`, `429:s`, `429:ms`, `delay-headers:3000`, `reset`, `truncate`,
	/// `malformed-json`, `empty-200`, `oversized`, `wrong-content-type`, `delay-body:500`,
	/// `trickle-headers:200`, `trickle-body:200`,
	/// `redirect-foreign`, `redirect-loop`. Throws Poco::SyntaxException.
	static Fault parse(const std::string& text);
	std::string name() const;
};

/// Faults scripted per route: the next N requests (or every request) of a route misbehave.
/// Routes are "token", "revoke", "probe" or "*" (any of them).
class FaultPlan
{
public:
	static constexpr int ALWAYS = -1;

	void add(const std::string& route, const Fault& fault, int times = ALWAYS);

	/// `ROUTE=FAULT[xN]`, e.g. `token=503x2`, `revoke=reset`, `*=delay-headers:2000x1`.
	void add(const std::string& spec);

	/// Besides the scripted faults: each request of the OAuth2 routes draws one of `faults`
	/// with probability `rate` (0 turns it off). For soak runs.
	void setRandom(double rate, std::vector<Fault> faults, unsigned seed = std::random_device()());

	/// The fault for this request of `route`, consuming one use of it.
	std::optional<Fault> next(const std::string& route);

	/// Waits until no scripted fault of `route` itself waits for its request any more (the
	/// request it was meant for has arrived and is, for a delay, being held), at most `limit`.
	/// False when one still waits. What a test waits on to act during a call, not after a guess.
	bool untilTaken(const std::string& route, std::chrono::milliseconds limit);

	/// Forgets the scripted faults (random ones stay until setRandom(0, {})).
	void clear();

private:
	struct Scripted
	{
		Fault fault;
		int remaining;
	};

	std::optional<Fault> take(std::deque<Scripted>& queue);

	std::mutex _mutex;
	std::condition_variable _taken;
	std::map<std::string, std::deque<Scripted>> _byRoute;
	double _randomRate = 0;
	std::vector<Fault> _randomFaults;
	std::mt19937 _random;
};

}
} // namespace Falcon::Emulator
