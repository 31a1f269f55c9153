namespace Orchestrator.Core.Tests;

public sealed class TextInternerTests
{
    [Fact]
    public void SpanAndString_GiveTheSameIds_AndEmptyIsZero()
    {
        var interner = new TextInterner();
        int fromString = interner.Intern("strategy_agent");

        Assert.Equal(fromString, interner.Intern("xstrategy_agentx".AsSpan(1, 14)));
        Assert.Equal(0, interner.Intern(ReadOnlySpan<char>.Empty));
        Assert.Equal(0, interner.Intern((string?)null));
        Assert.Equal("strategy_agent", interner.Get(fromString));
    }

    [Fact]
    public void SpanIntern_OfAKnownText_AllocatesNothing()
    {
        var interner = new TextInterner();
        char[] text = "mean reversion".ToCharArray();
        int id = interner.Intern(text); // the first sighting allocates the string

        long before = GC.GetAllocatedBytesForCurrentThread();
        int again = 0;
        for (int i = 0; i < 1_000; i++)
        {
            again = interner.Intern(text);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(id, again);
    }

    [Fact]
    public void IgnoreCase_TextsDifferingInCaseShareAnId_TheFirstSpellingIsKept_AndALookupAllocatesNothing()
    {
        var interner = new TextInterner(ignoreCase: true);
        int id = interner.Intern("Momentum_Agent");
        char[] other = "momentum_AGENT".ToCharArray();
        Assert.Equal(id, interner.Intern(other));

        long before = GC.GetAllocatedBytesForCurrentThread();
        int again = 0;
        for (int i = 0; i < 1_000; i++)
        {
            again = interner.Intern(other);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(id, again);
        Assert.Equal("Momentum_Agent", interner.Get(id));
        var ordinal = new TextInterner(); // the default (reasons) stays case-sensitive
        Assert.NotEqual(ordinal.Intern("Momentum_Agent"), ordinal.Intern("momentum_AGENT"));
    }

    [Fact]
    public void SpanIntern_PastCapacity_MapsToOther()
    {
        var interner = new TextInterner(capacity: 3);
        Assert.Equal(1, interner.Intern("a".AsSpan()));
        Assert.Equal(2, interner.Intern("b".AsSpan()));
        Assert.Equal(2, interner.Intern("c".AsSpan()));
        Assert.Equal("(other)", interner.Get(2));
    }
}
