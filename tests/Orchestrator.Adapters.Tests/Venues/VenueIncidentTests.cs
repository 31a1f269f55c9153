using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Venues;

/// <summary>The gateway tells the daemon when a person must act: <see cref="VenueBrokerGateway.Incident"/>.</summary>
public sealed class VenueIncidentTests
{
    private static readonly SymbolTable Symbols = new(["005930", "000660"]);

    private static VenueGatewayOptions Options(int breakerThroughput) => new()
    {
        Backoff = TimeSpan.FromMilliseconds(1),
        PollInterval = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromSeconds(5),
        RequestsPerSecond = 1_000,
        BreakerMinimumThroughput = breakerThroughput,
    };

    private static async Task<VenueIncident> FirstIncidentAsync(ScriptedVenue venue, VenueGatewayOptions options, Action<VenueBrokerGateway> act, VenueIncidentKind kind)
    {
        var seen = new TaskCompletionSource<VenueIncident>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = new VenueBrokerGateway(venue, Symbols, new ReportCollector(), options);
        gateway.Incident += i =>
        {
            if (i.Kind == kind)
            {
                seen.TrySetResult(i);
            }
        };
        gateway.Start();
        act(gateway);
        return await seen.Task.WaitAsync(TimeSpan.FromSeconds(60)); // hang guard
    }

    [Fact]
    public async Task OrderRefusedForWantOfCash_RaisesInsufficientFunds_WithTheOrderAndCode()
    {
        using var venue = new ScriptedVenue();
        venue.Script(PlaceBehaviour.Refuse); // APBK0952
        VenueIncident incident = await FirstIncidentAsync(venue, Options(1_000), g =>
        {
            var command = new OrderCommand { Kind = OrderCommandKind.SubmitOrder, ClientOrderId = 42, SymbolId = 0, Side = Side.Buy, Quantity = 100 };
            g.OnEvent(ref command, 0, true);
        }, VenueIncidentKind.InsufficientFunds);

        Assert.Equal(42, incident.ClientOrderId);
        Assert.Equal("APBK0952", incident.Code);
        Assert.Equal("scripted", incident.Venue);
    }

    [Fact]
    public async Task VenueFailingEveryCall_OpensTheCircuit_AndRaisesBrokerOutage()
    {
        using var venue = new ScriptedVenue { FindFails = true, ListFails = true };
        venue.Script(PlaceBehaviour.Fail, PlaceBehaviour.Fail);
        VenueIncident incident = await FirstIncidentAsync(venue, Options(2) with { MaxRetries = 1, BreakDuration = TimeSpan.FromMinutes(5) }, g =>
        {
            var command = new OrderCommand { Kind = OrderCommandKind.SubmitOrder, ClientOrderId = 43, SymbolId = 1, Side = Side.Buy, Quantity = 10 };
            g.OnEvent(ref command, 0, true);
        }, VenueIncidentKind.BrokerOutage);

        Assert.Contains("circuit open", incident.Detail, StringComparison.Ordinal);
    }
    [Fact]
    public async Task VenueAnsweringAgain_ClosesTheCircuit_AndClearsTheBrokerOutage()
    {
        using var venue = new ScriptedVenue { FindFails = true, ListFails = true };
        venue.Script(PlaceBehaviour.Fail, PlaceBehaviour.Fail);
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cleared = new TaskCompletionSource<VenueIncident>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = new VenueBrokerGateway(venue, Symbols, new ReportCollector(), Options(2) with { MaxRetries = 1, BreakDuration = TimeSpan.FromMilliseconds(500) }); // Polly's least
        gateway.Incident += i =>
        {
            if (i.Kind == VenueIncidentKind.BrokerOutage)
            {
                opened.TrySetResult();
            }
        };
        gateway.IncidentCleared += i => cleared.TrySetResult(i);
        gateway.Start();
        var command = new OrderCommand { Kind = OrderCommandKind.SubmitOrder, ClientOrderId = 44, SymbolId = 1, Side = Side.Buy, Quantity = 10 };
        gateway.OnEvent(ref command, 0, true);
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(60)); // hang guard
        Assert.False(cleared.Task.IsCompleted, "nothing cleared while the venue fails");

        venue.FindFails = false; // the venue answers again: the next read after the break closes the circuit
        venue.ListFails = false;
        VenueIncident incident = await cleared.Task.WaitAsync(TimeSpan.FromSeconds(60)); // hang guard
        Assert.Equal(VenueIncidentKind.BrokerOutage, incident.Kind);
        Assert.Equal("scripted", incident.Venue);
        Assert.Contains("circuit closed", incident.Detail, StringComparison.Ordinal);
    }
}
