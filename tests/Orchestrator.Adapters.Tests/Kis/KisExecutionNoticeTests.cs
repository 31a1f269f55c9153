using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>Encrypted execution notices: the simulator sends, the stream decrypts and forwards.</summary>
public sealed class KisExecutionNoticeTests : KisSimulatorFixture
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);
    private static readonly ReconnectPolicy s_fast = new() { Base = TimeSpan.FromMilliseconds(50), Max = TimeSpan.FromMilliseconds(200) };

    private sealed class RefreshSink : IVenueUpdateSink
    {
        private int _refreshes;

        public int Refreshes => Volatile.Read(ref _refreshes);

        public void OnVenueOrderUpdate(VenueOrderState state) => throw new InvalidOperationException("KIS notices are not cumulative states");

        public void RequestRefresh() => Interlocked.Increment(ref _refreshes);
    }

    [Fact]
    public async Task Stream_DecryptsOneNoticePerAcceptAndPerFill_AndAsksForARefreshEachTime()
    {
        var sink = new RefreshSink();
        var notices = new ConcurrentQueue<KisExecutionNotice>();
        var four = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stream = new KisExecutionNoticeStream(new Uri("ws://" + Simulator.BaseAddress.Authority + "/"), "SIM-APPROVAL", "SIMHTS", realAccount: false, sink, n =>
        {
            notices.Enqueue(n);
            if (notices.Count >= 4)
            {
                four.TrySetResult();
            }
        }, s_fast);
        await stream.StartAsync();
        await stream.Subscribed.WaitAsync(s_hang);
        Assert.Equal("H0STCNI9", stream.TrId);

        using var client = NewClient();
        KisOrderResult market = await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 0, CancellationToken.None); // accept + fill
        KisOrderResult limit = await client.PlaceCashOrderAsync("005930", Side.Buy, 5, 60_000, CancellationToken.None); // accept
        Simulator.SetPrice("005930", 60_000); // fill
        await four.Task.WaitAsync(s_hang);

        KisExecutionNotice[] got = [.. notices];
        Assert.Equal(4, got.Length);
        Assert.Equal((market.OrderNumber, false, 0L), (got[0].OrderNumber, got[0].IsFill, got[0].ExecutedQuantity));
        Assert.Equal((market.OrderNumber, true, 10L, 70_000m, Side.Buy), (got[1].OrderNumber, got[1].IsFill, got[1].ExecutedQuantity, got[1].Price, got[1].Side));
        Assert.Equal((limit.OrderNumber, false, 60_000m, 5L), (got[2].OrderNumber, got[2].IsFill, got[2].Price, got[2].OrderQuantity));
        Assert.Equal((limit.OrderNumber, true, 5L, 60_000m), (got[3].OrderNumber, got[3].IsFill, got[3].ExecutedQuantity, got[3].Price));
        Assert.All(got, n => Assert.Equal(("005930", false), (n.Symbol, n.Refused)));
        Assert.Equal(4, sink.Refreshes);
        Assert.Equal(4, stream.Notices);
        Assert.Equal(1, Simulator.SubscribeMessages);
    }

    private const string Key = "abcdefghijklmnopabcdefghijklmnop";
    private const string Iv = "0123456789abcdef";

    private static string Encrypt(string record, string key = Key)
    {
        using var aes = Aes.Create();
        aes.Key = Encoding.ASCII.GetBytes(key);
        return Convert.ToBase64String(aes.EncryptCbc(Encoding.UTF8.GetBytes(record), Encoding.ASCII.GetBytes(Iv), PaddingMode.PKCS7));
    }

    /// <summary>A fill notice in KIS's 26-field layout.</summary>
    private const string FillRecord = "SIMHTS^5000000001^0000001234^^02^0^00^0^005930^7^71200^093015^0^2^2^91252^10^SIM^^1^Y^^10^^삼성전자^71300";

    [Fact]
    public void Parser_TakesTheKeyFromTheAck_DecryptsNotices_AndCountsCorruptedFramesWithoutThrowing()
    {
        using var parser = new KisExecutionNoticeParser();
        var notices = new List<KisExecutionNotice>();
        byte[] beforeKey = Encoding.ASCII.GetBytes("1|H0STCNI0|001|" + Encrypt(FillRecord));
        Assert.Equal(KisFrameKind.Malformed, parser.Parse(beforeKey, notices).Kind);

        string ack = "{\"header\":{\"tr_id\":\"H0STCNI0\",\"tr_key\":\"SIMHTS\",\"encrypt\":\"Y\"},\"body\":{\"rt_cd\":\"0\",\"msg_cd\":\"OPSP0000\",\"msg1\":\"SUBSCRIBE SUCCESS\",\"output\":{\"iv\":\"" + Iv + "\",\"key\":\"" + Key + "\"}}}";
        Assert.Equal(new KisFrameResult(KisFrameKind.SubscribeAck, 0), parser.Parse(Encoding.UTF8.GetBytes(ack), notices));
        Assert.Equal(new KisFrameResult(KisFrameKind.Data, 1), parser.Parse(beforeKey, notices));
        KisExecutionNotice fill = Assert.Single(notices);
        Assert.Equal(("0000001234", "005930", Side.Buy, 7L, 71_200m, true, false, 10L), (fill.OrderNumber, fill.Symbol, fill.Side, fill.ExecutedQuantity, fill.Price, fill.IsFill, fill.Refused, fill.OrderQuantity));

        string cipher = Encrypt(FillRecord);
        string corrupted = cipher[..10] + (cipher[10] == 'A' ? 'B' : 'A') + cipher[11..^4] + "AAA=";
        Assert.Equal(KisFrameKind.Malformed, parser.Parse(Encoding.ASCII.GetBytes("1|H0STCNI0|001|" + corrupted), notices).Kind);
        Assert.Equal(KisFrameKind.Malformed, parser.Parse(Encoding.ASCII.GetBytes("1|H0STCNI0|001|" + Encrypt(FillRecord, key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ")), notices).Kind);
        Assert.Equal(KisFrameKind.Malformed, parser.Parse("1|H0STCNI0|001|not base64!"u8, notices).Kind);
        Assert.Equal(KisFrameKind.Malformed, parser.Parse(Encoding.ASCII.GetBytes("1|H0STCNI0|001|" + Encrypt("only^three^fields")), notices).Kind);

        Assert.Single(notices);
        Assert.Equal(5, parser.Malformed);
        Assert.Equal(1, parser.Notices);
        Assert.Equal(KisFrameKind.PingPong, parser.Parse("{\"header\":{\"tr_id\":\"PINGPONG\",\"datetime\":\"20250102090000\"}}"u8, notices).Kind);
    }

    [Fact]
    public void Parser_ReadsAcceptNotices_AsNoExecution_AtTheOrderPrice()
    {
        using var parser = new KisExecutionNoticeParser();
        parser.SetKey(Key, Iv);
        var notices = new List<KisExecutionNotice>();
        string accept = "SIMHTS^5000000001^0000001235^^01^0^00^0^000660^3^181000^090001^0^1^1^91252^3^SIM^^1^Y^^10^^SK하이닉스^181000";

        Assert.Equal(KisFrameKind.Data, parser.Parse(Encoding.UTF8.GetBytes("1|H0STCNI9|001|" + Encrypt(accept)), notices).Kind);

        KisExecutionNotice notice = Assert.Single(notices);
        Assert.Equal((Side.Sell, false, 0L, 181_000m, 3L), (notice.Side, notice.IsFill, notice.ExecutedQuantity, notice.Price, notice.OrderQuantity));
    }
}
