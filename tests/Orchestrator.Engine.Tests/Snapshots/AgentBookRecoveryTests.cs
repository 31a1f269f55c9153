using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>Recovery keeps the per-agent book: from a snapshot plus the journal's tail, and from the journal alone.</summary>
public sealed class AgentBookRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RecoveredEngines_FromSnapshotAndFromJournal_HaveTheLiveAgentFigures_AndTheAgentBuckets()
    {
        EngineOptions options = JournaledSession.DefaultOptions(_dir.Path) with
        {
            AgentLimits = [new AgentLimit { Name = "agent-1", MaxOrdersPerMinute = 2, Symbols = ["AAPL", "MSFT"] }, new AgentLimit { Name = "agent-x", MaxPosition = 25 }],
        };
        var session = new JournaledSession(options);
        session.Trade(200);
        session.Checkpoint();
        session.Trade(140);
        session.Stop();
        TradingEngine live = session.Engine;
        AgentBookCopy expected = AgentBookTests.Read(live);
        Assert.True(expected.Count >= 4, "agents 0, 1, 2, x, and the rules");
        Assert.True(Total(expected, Core.RejectReason.AgentSymbolNotAllowed) > 0, "agent-1's symbols must bite");

        var fromSnapshot = new TradingEngine(options, NullAuditWriter.Instance);
        Assert.NotNull(fromSnapshot.Recovery!.Snapshot);
        string copy = Path.Combine(_dir.Path, "journal-only");
        Directory.CreateDirectory(copy);
        foreach (string segment in Engine.Journal.JournalReader.ListSegments(_dir.Path))
        {
            File.Copy(segment, Path.Combine(copy, Path.GetFileName(segment)));
        }

        var fromJournal = new TradingEngine(options with { JournalDirectory = copy }, NullAuditWriter.Instance);
        Assert.Null(fromJournal.Recovery!.Snapshot);

        foreach (TradingEngine recovered in new[] { fromSnapshot, fromJournal })
        {
            AgentBookCopy actual = AgentBookTests.Read(recovered);
            Assert.Equal(expected.Names.Take(expected.Count), actual.Names.Take(actual.Count));
            Assert.Equal(expected.Signals, actual.Signals);
            Assert.Equal(expected.Orders, actual.Orders);
            Assert.Equal(expected.Fills, actual.Fills);
            Assert.Equal(expected.Rejects, actual.Rejects);
            Assert.Equal(expected.Quantity, actual.Quantity);
            Assert.Equal(expected.RealizedRaw, actual.RealizedRaw);
            Assert.Equal(expected.CommissionRaw, actual.CommissionRaw);
            StateAssert.Equal(live, recovered);
            recovered.Shutdown(TimeSpan.FromSeconds(5));
        }
    }

    private static long Total(AgentBookCopy copy, Core.RejectReason reason)
    {
        long total = 0;
        for (int i = 0; i < copy.Count; i++)
        {
            total += copy.Rejects[(i * AgentBook.ReasonCount) + (int)reason];
        }

        return total;
    }
}
