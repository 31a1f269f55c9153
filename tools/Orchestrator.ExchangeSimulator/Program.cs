using Orchestrator.ExchangeSimulator;

// exchange-simulator [--venue kis|alpaca|both] [--port N] [--alpaca-port N]: serves the KIS
// and/or Alpaca subsets on 127.0.0.1, each on its own port (0 = any free one), until Ctrl+C.
string venue = "both";
int venueIndex = Array.IndexOf(args, "--venue");
if (venueIndex >= 0)
{
    venue = venueIndex + 1 < args.Length ? args[venueIndex + 1] : string.Empty;
    if (venue is not ("kis" or "alpaca" or "both"))
    {
        Console.Error.WriteLine("--venue: expected kis, alpaca or both");
        return 2;
    }
}

if (!TryPort("--port", out int kisPort) || !TryPort("--alpaca-port", out int alpacaPort))
{
    return 2;
}

KisSimulator? kis = null;
AlpacaSimulator? alpaca = null;
try
{
    if (venue is "kis" or "both")
    {
        kis = await KisSimulator.StartAsync(kisPort).ConfigureAwait(false);
        Console.WriteLine($"KIS simulator listening on {kis.BaseAddress} (app key {KisSimulator.AppKey})");
    }

    if (venue is "alpaca" or "both")
    {
        alpaca = await AlpacaSimulator.StartAsync(alpacaPort).ConfigureAwait(false);
        Console.WriteLine($"Alpaca simulator listening on {alpaca.BaseAddress} (REST), {alpaca.TradeStreamUri} (trade_updates), {alpaca.MarketDataUri} (market data v2); key id {AlpacaSimulator.KeyId}");
    }

    Console.WriteLine("Ctrl+C stops it");
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

bool TryPort(string name, out int port)
{
    port = 0;
    int index = Array.IndexOf(args, name);
    if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], out port) || port is < 0 or > 65_535))
    {
        Console.Error.WriteLine(name + ": expected a number between 0 and 65535");
        return false;
    }

    return true;
}
