using System.Runtime.InteropServices;
using Orchestrator.ExchangeSimulator;

// exchange-simulator [--venue kis|alpaca|both] [--port N] [--alpaca-port N]
//   KIS fault flags: [--drop-every-frames N] [--http-fault 500|429|ratelimit|malformed|timeout]
//   [--fault-every N] [--fault-after-accept] [--delay-ms N] [--refuse-reconnects-seconds M] [--rate-limit N]
// Serves the KIS and/or Alpaca subsets on 127.0.0.1, each on its own port (0 = any free one), until
// Ctrl+C or SIGTERM (a graceful stop, exit 0). A port already taken is one line on stderr and exit 1.
var options = new Dictionary<string, string?>(StringComparer.Ordinal);
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--fault-after-accept")
    {
        options[args[i]] = null;
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        options[args[i]] = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"unexpected argument '{args[i]}'");
        return 2;
    }
}

string[] known = ["--venue", "--alpaca-port", "--port", "--drop-every-frames", "--http-fault", "--fault-every", "--fault-after-accept", "--delay-ms", "--refuse-reconnects-seconds", "--rate-limit"];
List<string> errors = [.. options.Keys.Where(k => !known.Contains(k)).Select(k => $"{k}: unknown option")];
int Number(string name, int max)
{
    if (!options.TryGetValue(name, out string? text))
    {
        return 0;
    }

    if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) || value > max)
    {
        errors.Add($"{name}: expected a whole number from 0 to {max}");
    }

    return value;
}

int port = Number("--port", 65_535);
int alpacaPort = Number("--alpaca-port", 65_535);
string venue = options.TryGetValue("--venue", out string? venueText) ? venueText ?? string.Empty : "both";
if (venue is not ("kis" or "alpaca" or "both"))
{
    errors.Add("--venue: expected kis, alpaca or both");
}
int dropEvery = Number("--drop-every-frames", int.MaxValue);
int faultEvery = Number("--fault-every", int.MaxValue);
int delayMs = Number("--delay-ms", 600_000);
int refuseSeconds = Number("--refuse-reconnects-seconds", 86_400);
int rateLimit = Number("--rate-limit", 100_000);
HttpFault fault = HttpFault.None;
if (options.TryGetValue("--http-fault", out string? faultText))
{
    fault = faultText switch
    {
        "500" => HttpFault.ServerError,
        "429" => HttpFault.TooManyRequests,
        "ratelimit" or "EGW00201" => HttpFault.RateLimited,
        "malformed" => HttpFault.Malformed,
        "timeout" => HttpFault.Timeout,
        _ => HttpFault.None,
    };
    if (fault == HttpFault.None)
    {
        errors.Add("--http-fault: expected 500, 429, ratelimit, malformed or timeout");
    }
    else if (faultEvery == 0)
    {
        faultEvery = 1;
    }
}

if (errors.Count > 0)
{
    errors.ForEach(Console.Error.WriteLine);
    return 2;
}

KisSimulator? kis = null;
AlpacaSimulator? alpaca = null;
string binding = "--port";
// Registered before the simulators start: their web hosts take SIGTERM for themselves and stop
// serving, but only this handler ends the process.
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true; // we stop ourselves, gracefully
    stop.Cancel();
}

using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
try
{
    if (venue is "kis" or "both")
    {
        kis = await KisSimulator.StartAsync(port).ConfigureAwait(false);
        kis.DropAfterFrames = dropEvery;
        kis.Fault = fault;
        kis.FaultEvery = faultEvery;
        kis.FaultAfterAccept = options.ContainsKey("--fault-after-accept");
        kis.ResponseDelay = TimeSpan.FromMilliseconds(delayMs);
        kis.RefuseReconnectsFor = TimeSpan.FromSeconds(refuseSeconds);
        kis.RequestsPerSecondLimit = rateLimit;
        Console.WriteLine($"KIS simulator listening on {kis.BaseAddress} (app key {KisSimulator.AppKey})");
    }

    if (venue is "alpaca" or "both")
    {
        binding = "--alpaca-port";
        alpaca = await AlpacaSimulator.StartAsync(alpacaPort).ConfigureAwait(false);
        Console.WriteLine($"Alpaca simulator listening on {alpaca.BaseAddress} (REST), {alpaca.TradeStreamUri} (trade_updates), {alpaca.MarketDataUri} (market data v2); key id {AlpacaSimulator.KeyId}");
    }

    Console.WriteLine("Ctrl+C or SIGTERM stops it");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Stopping");
    }
}
catch (IOException ex) when (IsAddressInUse(ex))
{
    Console.Error.WriteLine($"exchange-simulator: {ex.Message.TrimEnd('.')}; choose another port with {binding} (0 = any free one)");
    return 1;
}
finally
{
    if (kis is not null)
    {
        await kis.DisposeAsync().ConfigureAwait(false);
    }

    if (alpaca is not null)
    {
        await alpaca.DisposeAsync().ConfigureAwait(false);
    }
}

return 0;

static bool IsAddressInUse(Exception ex)
{
    for (Exception? e = ex; e is not null; e = e.InnerException)
    {
        if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
        {
            return true;
        }
    }

    return false;
}
