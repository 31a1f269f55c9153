using Orchestrator.ExchangeSimulator;

// exchange-simulator [--port N] [--drop-every-frames N] [--http-fault 500|429|ratelimit|malformed|timeout]
//   [--fault-every N] [--fault-after-accept] [--delay-ms N] [--refuse-reconnects-seconds M]
//   [--rate-limit N]: serves the KIS subset on 127.0.0.1 until Ctrl+C.
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

string[] known = ["--port", "--drop-every-frames", "--http-fault", "--fault-every", "--fault-after-accept", "--delay-ms", "--refuse-reconnects-seconds", "--rate-limit"];
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

await using KisSimulator simulator = await KisSimulator.StartAsync(port).ConfigureAwait(false);
simulator.DropAfterFrames = dropEvery;
simulator.Fault = fault;
simulator.FaultEvery = faultEvery;
simulator.FaultAfterAccept = options.ContainsKey("--fault-after-accept");
simulator.ResponseDelay = TimeSpan.FromMilliseconds(delayMs);
simulator.RefuseReconnectsFor = TimeSpan.FromSeconds(refuseSeconds);
simulator.RequestsPerSecondLimit = rateLimit;
Console.WriteLine($"KIS simulator listening on {simulator.BaseAddress} (app key {KisSimulator.AppKey}); Ctrl+C stops it");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
try
{
    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    // stopping
}

return 0;
