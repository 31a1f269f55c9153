namespace Orchestrator.Adapters.Kis;

/// <summary>What the KIS adapter needs to act for an account. Never prints its secrets.</summary>
public sealed class KisCredentials(string appKey, string appSecret, string accountNumber, string productCode, bool realAccount)
{
    public string AppKey { get; } = appKey;

    public string AppSecret { get; } = appSecret;

    /// <summary>CANO: the first 8 digits of the account number.</summary>
    public string AccountNumber { get; } = accountNumber;

    /// <summary>ACNT_PRDT_CD: the 2-digit product code.</summary>
    public string ProductCode { get; } = productCode;

    /// <summary>REAL (true) or VIRTUAL (false) trading: selects the tr_id family.</summary>
    public bool RealAccount { get; } = realAccount;

    public override string ToString() => $"KIS account {AccountNumber}-{ProductCode} ({(RealAccount ? "REAL" : "VIRTUAL")}), keys ***";
}
