namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>The collection names of the LiteDB file: its schema, shared with the tests that tamper with it.</summary>
internal static class LiteDbCollections
{
    public const string Tenants = "tenants";
    public const string Admins = "admins";
    public const string BootstrapTokens = "bootstrap_tokens";
    public const string Agents = "agents";
    public const string AgentKeys = "agent_keys";
    public const string RegistrationAttempts = "registration_attempts";
    public const string AuditEvents = "audit_events";
    public const string AuditHead = "audit_head";
    public const string ReaperState = "reaper_state";
    public const string Commands = "commands";
    public const string TenantQueueState = "tenant_queue_state";
    public const string Findings = "findings";
    public const string Observations = "observations";
    public const string FindingStatusHistory = "finding_status_history";
    public const string Assets = "assets";
    public const string AssetKinds = "asset_kinds";
    public const string AssetGroups = "asset_groups";
    public const string AssetGroupMembers = "asset_group_members";
    public const string Vulnerabilities = "vulnerabilities";
    public const string FindingVulnerabilities = "finding_vulnerabilities";
    public const string ScanProfiles = "scan_profiles";
    public const string ScanCounts = "scan_counts";
    public const string AssetComponents = "asset_components";
}
