using Orchestrator.ExchangeSimulator;

// exchange-simulator [--port N]: serves the KIS subset on 127.0.0.1 until Ctrl+C.
int port = 0;
int index = Array.IndexOf(args, "--port");
if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], out port) || port is < 0 or > 65_535))
{
    Console.Error.WriteLine("--port: expected a number between 0 and 65535");
    return 2;
}

await using KisSimulator simulator = await KisSimulator.StartAsync(port).ConfigureAwait(false);
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
