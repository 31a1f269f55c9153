using System.Globalization;
using Orchestrator.AgentClient;
using Orchestrator.Examples.SmaAgent;

// An SMA-crossover agent for the orchestrator's agent protocol (the C# twin of
// tools/python/examples/sma_agent.py). Where the daemon is comes from ORCHESTRATOR_GATEWAY,
// ORCHESTRATOR_AGENT_TOKEN and ORCHESTRATOR_AGENT_NAME, so the same command runs by hand or
// supervised. Arguments: --symbols AAPL,MSFT --timeframe 1m --fast 5 --slow 20 --quantity 10.
// SIGTERM or Ctrl-C: exit 0; a refused token or hello, or bad arguments: exit 2.
Dictionary<string, string> arguments = new(StringComparer.Ordinal)
{
    ["--symbols"] = "AAPL",
    ["--timeframe"] = "1m",
    ["--fast"] = "5",
    ["--slow"] = "20",
    ["--quantity"] = "10",
};
for (int i = 0; i < args.Length; i++)
{
    if (!arguments.ContainsKey(args[i]) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"usage: sma-agent [{string.Join("] [", arguments.Keys.Select(k => k + " " + arguments[k]))}]");
        return 2;
    }

    arguments[args[i]] = args[++i];
}

if (!int.TryParse(arguments["--fast"], CultureInfo.InvariantCulture, out int fast) || !int.TryParse(arguments["--slow"], CultureInfo.InvariantCulture, out int slow) || fast <= 0 || fast >= slow
    || !long.TryParse(arguments["--quantity"], CultureInfo.InvariantCulture, out long quantity) || quantity <= 0)
{
    Console.Error.WriteLine("--fast must be > 0 and less than --slow; --quantity must be > 0");
    return 2;
}

static void Log(string line) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} sma_agent: {line}"));

AgentClientOptions options;
try
{
    options = AgentClientOptions.FromEnvironment("sma_agent");
}
catch (FormatException ex)
{
    Log(ex.Message);
    return 2;
}

string[] symbols = arguments["--symbols"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
options.Symbols = symbols;
options.Bars = [arguments["--timeframe"]];
options.Log = Log;

using var stop = new CancellationTokenSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true; // we stop ourselves, cleanly
    stop.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var client = new AgentClient(options);
_ = new SmaAgent(client, symbols, fast, slow, quantity, Log);
try
{
    await client.RunAsync(stop.Token);
}
catch (AgentProtocolException ex)
{
    Log(ex.Message);
    return 2;
}

return 0;
