"""The loss columns of gold.kpi_loss_tree as the report and the dashboard show them.

Why here: the daily PDF's waterfall and the dashboard's loss page draw the same losses in the same
order under the same names; the columns and their TPM groups are gold's
(dbt_project/macros/loss_tree.sql), this list only adds the labels.
"""

# In the waterfall's order (TPM's six big losses: availability = breakdown + setup, performance =
# small stops + idle + speed, quality = scrap + rework; unrecorded is planned busy time no state
# line covers): (column, label, group).
LOSSES = (
    ("breakdown_loss_s", "Breakdowns", "availability"),
    ("setup_loss_s", "Setup / changeover", "availability"),
    ("small_stop_loss_s", "Small stops", "performance"),
    ("idle_loss_s", "Idle", "performance"),
    ("speed_loss_s", "Speed loss", "performance"),
    ("scrap_loss_s", "Scrap", "quality"),
    ("rework_loss_s", "Rework", "quality"),
    ("unrecorded_loss_s", "Unrecorded", "unrecorded"),
)
