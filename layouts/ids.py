"""Every component id of the app, in one place (a frozen dataclass of ids and id factories).

Layout builders and callbacks import ``ID`` and never spell an id by hand, so a
renamed id breaks at import time rather than silently in the browser. The
JavaScript in ``canvas_app/assets/canvas.js`` uses the ids marked *(JS)*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Ids:
    # shell
    url: str = "url"
    page: str = "page"

    # home
    home_workspace: str = "home-workspace"
    home_new_workspace_name: str = "home-new-workspace-name"
    home_new_workspace: str = "home-new-workspace"
    home_example: str = "home-example"
    home_from_example: str = "home-from-example"
    home_blank_name: str = "home-blank-name"
    home_blank: str = "home-blank"
    home_upload: str = "home-upload"  # (JS) oversize files are refused in the browser
    home_upload_rejected: str = "home-upload-rejected"  # (JS) store set by canvas.js
    home_message: str = "home-message"
    home_list: str = "home-list"

    # editor: stores (small payloads only)
    config_id: str = "ed-config-id"
    version: str = "ed-version"
    history: str = "ed-history"  # undo/redo steps, kept in the browser only
    step_out: str = "ed-step-out"  # the step the server just did/undid/redid
    history_request: str = "ed-history-request"  # {op: undo|redo, step}
    graph_diff: str = "ed-graph-diff"  # {add, update, remove} or {reset}
    diff_applied: str = "ed-diff-applied"  # (JS) when canvas.js last applied a diff to the graph
    drop: str = "ed-drop"  # (JS) {module, x, y, nonce}
    moved: str = "ed-moved"  # (JS) {positions: {id: [x, y]}, nonce}
    selection: str = "ed-selection"  # {kind: actor|flow, id}
    conflict: str = "ed-conflict"
    flag_elements: str = "ed-flag-elements"

    # editor: canvas and toolbar
    cy: str = "cy"  # (JS) the dash-cytoscape graph
    # editor regions the skip links and the focus fallbacks of canvas.js go to (JS)
    palette_region: str = "ed-palette"
    canvas_region: str = "ed-canvas-region"  # the focusable, named wrapper of the graph
    table_view: str = "ed-table-view"
    table_view_details: str = "ed-table-view-details"  # the Table view's disclosure: filled only while open
    table_view_body: str = "ed-table-view-body"
    table_view_heading: str = "ed-table-view-heading"
    canvas_help: str = "ed-canvas-help"
    palette_help: str = "ed-palette-help"
    scores_region: str = "ed-scores-region"
    flags_region: str = "ed-flags-region"
    edit_region: str = "ed-edit-region"
    undo: str = "ed-undo"
    redo: str = "ed-redo"
    layout_name: str = "ed-layout-name"
    layout_apply: str = "ed-layout-apply"
    status: str = "ed-status"
    saving: str = "ed-saving"  # (JS) edits wait while a save is in flight
    message: str = "ed-message"
    conflict_box: str = "ed-conflict-box"
    conflict_alert: str = "ed-conflict-box-alert"
    reload_theirs: str = "ed-reload-theirs"
    save_mine: str = "ed-save-mine"
    clear_highlight: str = "ed-clear-highlight"
    export_menu: str = "ed-export-menu"  # the toolbar's Export menu: the items below
    export_button: str = "ed-export"  # the configuration as JSON
    export_graphml: str = "ed-export-graphml"
    export_csv: str = "ed-export-csv"
    export_png: str = "ed-export-png"
    export_svg: str = "ed-export-svg"
    download: str = "ed-download"
    title: str = "ed-title"

    # palette
    palette_search: str = "ed-palette-search"
    palette_category: str = "ed-palette-category"
    palette_list: str = "ed-palette-list"  # (JS) items carry data-module

    # side panel: the configuration's own details
    details_name: str = "ed-details-name"
    details_city: str = "ed-details-city"
    details_description: str = "ed-details-description"
    details_period: str = "ed-details-period"
    details_population: str = "ed-details-population"
    details_save: str = "ed-details-save"
    details_feedback: str = "ed-details-feedback"

    # side panel: actor form
    actor_heading: str = "ed-actor-heading"
    actor_name: str = "ed-actor-name"
    actor_type: str = "ed-actor-type"
    actor_count: str = "ed-actor-count"
    actor_local: str = "ed-actor-local"
    actor_notes: str = "ed-actor-notes"
    actor_costs: str = "ed-actor-costs"  # the folded "Own costs" section
    actor_fixed_cost: str = "ed-actor-fixed-cost"  # own running cost per period
    actor_capital_cost: str = "ed-actor-capital-cost"  # one-off, year 0
    actor_funding_source: str = "ed-actor-funding-source"  # boxes of one source are one payer
    actor_add: str = "ed-actor-add"
    actor_save: str = "ed-actor-save"
    actor_delete: str = "ed-actor-delete"
    actor_feedback: str = "ed-actor-feedback"
    module_remove: str = "ed-module-remove"

    # side panel: flow form
    flow_heading: str = "ed-flow-heading"
    flow_pick: str = "ed-flow-pick"
    flow_source: str = "ed-flow-source"  # (JS) options follow the graph
    flow_target: str = "ed-flow-target"  # (JS) options follow the graph
    flow_kind: str = "ed-flow-kind"
    flow_label: str = "ed-flow-label"
    flow_amount: str = "ed-flow-amount"
    flow_occurrences: str = "ed-flow-occurrences"
    flow_amount_estimate: str = "ed-flow-amount-estimate"  # badge: the amount is a module's estimate
    flow_occurrences_estimate: str = "ed-flow-occurrences-estimate"
    flow_standards: str = "ed-flow-standards"
    flow_economics: str = "ed-flow-economics"  # the folded "Time, costs and personal data" section
    flow_term_years: str = "ed-flow-term-years"
    flow_term_box: str = "ed-flow-term-box"  # (JS) hidden for an investment
    flow_payback_years: str = "ed-flow-payback-years"
    flow_payback_box: str = "ed-flow-payback-box"  # (JS) shown for an investment only
    flow_source_cost: str = "ed-flow-source-cost"  # the giver's own cost per occurrence
    flow_target_cost: str = "ed-flow-target-cost"  # the receiver's own cost per occurrence
    flow_benefit: str = "ed-flow-benefit"  # declared public benefit per occurrence
    flow_personal_data: str = "ed-flow-personal-data"
    flow_personal_box: str = "ed-flow-personal-box"  # (JS) shown for a data flow only
    flow_standards_known: str = "ed-flow-standards-known"  # (JS) datalist: registry names after what is typed
    standards_registry: str = "ed-standards-registry"  # open standards offered: [name, source] pairs
    flow_add: str = "ed-flow-add"
    flow_save: str = "ed-flow-save"
    flow_delete: str = "ed-flow-delete"
    flow_feedback: str = "ed-flow-feedback"
    deselect: str = "ed-deselect"
    element_pick: str = "ed-element-pick"  # (JS) keyboard path to select any actor or flow

    # delete confirmation
    delete_modal: str = "ed-delete-modal"
    delete_text: str = "ed-delete-text"
    delete_confirm: str = "ed-delete-confirm"
    delete_cancel: str = "ed-delete-cancel"
    delete_target: str = "ed-delete-target"  # what the open question deletes: {"actors": [...], "flows": [...]}
    delete_many: str = "ed-delete-many"  # button: delete every element of a box selection (one question)
    delete_request: str = "ed-delete-request"  # (JS) the Delete key or the context menu asks: {"actors", "flows"}
    many_selected: str = "ed-many-selected"  # (JS) two or more elements selected: {"actors": [...], "flows": [...]}
    keys_modal: str = "ed-keys-modal"  # (JS) the keyboard shortcuts, opened by "?" or the toolbar's "?" button

    # score panel
    scores: str = "ed-scores"
    view_kinds: str = "ed-view-kinds"  # flow kinds shown on the canvas (the others are hidden, not deleted)
    view_types: str = "ed-view-types"  # actor types shown on the canvas (the others, and their flows, hidden)
    view_focus: str = "ed-view-focus"  # focus mode: only the selected actor and its neighbours
    view_state: str = "ed-view-state"  # (JS) what the view filter last applied
    score_changes: str = "ed-score-changes"  # (JS) live region: "Replicability 89 → 82" after an edit
    score_values: str = "ed-score-values"  # {name: {value, coverage}}: six scores per edit, drawn by canvas.js
    flags: str = "ed-flags"
    cash_data: str = "ed-cash-data"  # the second pass's money over time: positions by actor, names, horizon
    cash_chart: str = "ed-cash-chart"
    suggest: str = "ed-suggest"
    blocks: str = "ed-blocks"

    # compare page, report page and their downloads (layouts/compare.py, layouts/report.py)
    compare_radar: str = "cmp-radar"
    compare_growth: str = "cmp-growth"
    compare_verdict: str = "cmp-verdict"
    report_target: str = "rep-target"  # {kind: configuration, id} or {kind: comparison, ids}
    report_html: str = "rep-html"
    report_xlsx: str = "rep-xlsx"
    report_download: str = "rep-download"
    report_message: str = "rep-message"
    report_config: str = "rep-config"  # store: the configuration id, for the recommendations job
    report_recs_compute: str = "rep-recs-compute"
    report_recs_status: str = "rep-recs-status"
    report_recs: str = "rep-recs"  # the flags with their recommendations, once computed

    # home: pick configurations to compare
    home_compare: str = "home-compare"
    home_compare_message: str = "home-compare-message"
    home_deleted: str = "home-deleted"  # the "Recently deleted" list (configurations that can be restored)
    home_delete_modal: str = "home-delete-modal"
    home_delete_text: str = "home-delete-text"
    home_delete_pending: str = "home-delete-pending"  # store: id of the configuration the dialog asks about
    home_delete_confirm: str = "home-delete-confirm"
    home_delete_cancel: str = "home-delete-cancel"
    home_delete_ws_modal: str = "home-delete-ws-modal"  # the same for a whole workspace (owners only)
    home_delete_ws_text: str = "home-delete-ws-text"
    home_delete_ws_pending: str = "home-delete-ws-pending"  # store: id of the workspace the dialog asks about
    home_delete_ws_confirm: str = "home-delete-ws-confirm"
    home_delete_ws_cancel: str = "home-delete-ws-cancel"

    # editor: compare with, revision history, branch (layouts/history.py)
    compare_open: str = "ed-compare-open"
    compare_modal: str = "ed-compare-modal"
    compare_pick: str = "ed-compare-pick"
    compare_go: str = "ed-compare-go"
    compare_feedback: str = "ed-compare-feedback"
    history_open: str = "ed-history-open"
    history_panel: str = "ed-history-panel"
    history_list: str = "ed-history-list"
    branch_name: str = "ed-branch-name"
    branch_head: str = "ed-branch-head"
    history_feedback: str = "ed-history-feedback"

    # accounts (layouts/auth.py, layouts/members.py)
    account_name: str = "acct-name"
    sign_out: str = "acct-sign-out"
    no_access: str = "acct-no-access"
    members_workspace: str = "mem-workspace"  # store: the workspace id (checked on the server)
    members_list: str = "mem-list"
    members_invite_name: str = "mem-invite-name"
    members_invite_role: str = "mem-invite-role"
    members_invite: str = "mem-invite"
    members_message: str = "mem-message"
    members_audit: str = "mem-audit"  # the audit-log table (owners only)
    members_audit_download: str = "mem-audit-download"
    members_audit_file: str = "mem-audit-file"

    # editor presence ("also here: ...")
    presence_client: str = "ed-presence-client"  # store: this page's random id
    presence_tick: str = "ed-presence-tick"
    presence_line: str = "ed-presence-line"
    read_only: str = "ed-read-only"  # banner shown to viewers
    home_invitations: str = "home-invitations"  # the signed-in user's pending invitations

    # id factories (pattern-matching callbacks)
    @staticmethod
    def home_delete(configuration_id: int) -> dict:
        return {"type": "home-delete", "config": configuration_id}

    @staticmethod
    def home_restore(configuration_id: int) -> dict:
        return {"type": "home-restore", "config": configuration_id}

    @staticmethod
    def home_delete_workspace(workspace_id: int) -> dict:
        return {"type": "home-delete-ws", "workspace": workspace_id}

    @staticmethod
    def home_restore_workspace(workspace_id: int) -> dict:
        return {"type": "home-restore-ws", "workspace": workspace_id}

    @staticmethod
    def invitation_accept(invitation_id: int) -> dict:
        return {"type": "home-invitation-accept", "invitation": invitation_id}

    @staticmethod
    def invitation_decline(invitation_id: int) -> dict:
        return {"type": "home-invitation-decline", "invitation": invitation_id}

    @staticmethod
    def home_compare_pick(configuration_id: int) -> dict:
        return {"type": "home-compare-pick", "index": configuration_id}

    RESTORE = "ed-restore-revision"

    @staticmethod
    def restore_revision(version: Any) -> dict:
        """Restore an earlier revision: an ordinary edit from the shown revision to that one (undoable)."""
        return {"type": Ids.RESTORE, "index": version}

    @staticmethod
    def branch_revision(version: int) -> dict:
        return {"type": "ed-branch-revision", "index": version}

    @staticmethod
    def flag(index: int) -> dict:
        return {"type": "ed-flag", "index": index}

    APPLY_REC = "ed-apply-rec"
    NUDGE = "ed-nudge"

    @staticmethod
    def nudge(direction: str) -> dict:
        """Move the selected actor one step (``left``, ``up``, ``down``, ``right``): the keyboard's drag."""
        return {"type": Ids.NUDGE, "dir": direction}

    @staticmethod
    def apply_rec(index: int, module: str) -> dict:
        return {"type": Ids.APPLY_REC, "index": index, "module": module}

    APPLY_FIX = "ed-apply-fix"

    @staticmethod
    def apply_fix(index: Any, code: Any, key: Any) -> dict:
        """Apply structural suggestion ``key`` of flag ``code`` (recomputed on the server, never sent back)."""
        return {"type": Ids.APPLY_FIX, "index": index, "code": code, "key": key}

    @staticmethod
    def preview(index: Any, kind: Any, key: Any) -> dict:
        """The "What Apply does" disclosure of a recommendation (``kind`` module) or a suggestion (``kind`` flag code)."""
        return {"type": "ed-preview", "index": index, "kind": kind, "key": key}

    @staticmethod
    def preview_body(index: Any, kind: Any, key: Any) -> dict:
        return {"type": "ed-preview-body", "index": index, "kind": kind, "key": key}

    @staticmethod
    def score_value(score: str) -> str:
        return f"score-{score}"

    @staticmethod
    def score_bar(score: str) -> str:
        return f"score-bar-{score}"

    @staticmethod
    def score_coverage(score: str) -> str:
        return f"score-coverage-{score}"

    @staticmethod
    def palette_summary(module: str) -> str:
        return f"ed-palette-item-{module}-summary"

    @staticmethod
    def palette_item(module: str) -> str:
        return f"ed-palette-item-{module}"

    @staticmethod
    def member_role(user_id: int) -> dict:
        return {"type": "mem-role", "index": user_id}

    @staticmethod
    def member_remove(user_id: int) -> dict:
        return {"type": "mem-remove", "index": user_id}

    # needs & opportunities page (layouts/needs.py)
    needs_workspace: str = "nd-workspace"  # store: the workspace id
    needs_changed: str = "nd-changed"  # store: bumped after each save or delete, re-renders the ranking
    needs_editing: str = "nd-editing"  # store: id of the need in the form (None: a new one)
    needs_form_heading: str = "nd-form-heading"
    needs_name: str = "nd-name"
    needs_who: str = "nd-who"
    needs_kind: str = "nd-kind"
    needs_importance: str = "nd-importance"
    needs_urgency: str = "nd-urgency"
    needs_evidence: str = "nd-evidence"
    needs_description: str = "nd-description"
    needs_save: str = "nd-save"
    needs_clear: str = "nd-clear"
    needs_feedback: str = "nd-feedback"
    needs_weights_save: str = "nd-weights-save"
    needs_weights_reset: str = "nd-weights-reset"
    needs_weights_feedback: str = "nd-weights-feedback"
    needs_ranking: str = "nd-ranking"
    needs_unserved: str = "nd-unserved"
    needs_delete_modal: str = "nd-delete-modal"
    needs_delete_text: str = "nd-delete-text"
    needs_delete_pending: str = "nd-delete-pending"
    needs_delete_confirm: str = "nd-delete-confirm"
    needs_delete_cancel: str = "nd-delete-cancel"
    needs_serve_need: str = "nd-serve-need"
    needs_serve_config: str = "nd-serve-config"
    needs_serve_flows: str = "nd-serve-flows"
    needs_serve_save: str = "nd-serve-save"
    needs_serve_feedback: str = "nd-serve-feedback"
    goals_config: str = "nd-goals-config"  # the configuration whose public goals the form edits
    goals_goal: str = "nd-goals-goal"  # the goal in the form ("": a new one)
    goals_name: str = "nd-goals-name"
    goals_need: str = "nd-goals-need"
    goals_indicator: str = "nd-goals-indicator"
    goals_baseline: str = "nd-goals-baseline"
    goals_target: str = "nd-goals-target"
    goals_unit: str = "nd-goals-unit"
    goals_year: str = "nd-goals-year"
    goals_save: str = "nd-goals-save"
    goals_remove: str = "nd-goals-remove"
    goals_feedback: str = "nd-goals-feedback"

    # value mechanisms page (layouts/mechanisms.py)
    mech_config: str = "mc-config"  # store: the configuration id
    mech_compute: str = "mc-compute"
    mech_status: str = "mc-status"
    mech_could_add: str = "mc-could-add"

    # competitive advantages page (layouts/advantages.py)
    adv_workspace: str = "av-workspace"
    adv_changed: str = "av-changed"
    adv_editing: str = "av-editing"
    adv_form_heading: str = "av-form-heading"
    adv_service: str = "av-service"
    adv_text: str = "av-text"
    adv_state: str = "av-state"
    adv_criteria: str = "av-criteria"
    adv_modules: str = "av-modules"
    adv_save: str = "av-save"
    adv_clear: str = "av-clear"
    adv_feedback: str = "av-feedback"
    adv_ranking: str = "av-ranking"
    adv_delete_modal: str = "av-delete-modal"
    adv_delete_text: str = "av-delete-text"
    adv_delete_pending: str = "av-delete-pending"
    adv_delete_confirm: str = "av-delete-confirm"
    adv_delete_cancel: str = "av-delete-cancel"

    @staticmethod
    def needs_weight(criterion: str) -> str:
        return f"nd-weight-{criterion}"

    @staticmethod
    def needs_edit(need_id: str) -> dict:
        return {"type": "nd-edit", "need": need_id}

    @staticmethod
    def needs_delete(need_id: str) -> dict:
        return {"type": "nd-delete", "need": need_id}

    @staticmethod
    def adv_edit(advantage_id: str) -> dict:
        return {"type": "av-edit", "advantage": advantage_id}

    @staticmethod
    def adv_delete(advantage_id: str) -> dict:
        return {"type": "av-delete", "advantage": advantage_id}

    # module library page (layouts/modules.py)
    mod_workspace: str = "md-workspace"  # store: the workspace id
    mod_changed: str = "md-changed"  # store: bumped after each save or delete, redraws the list
    mod_selected: str = "md-selected"  # store: id of the module shown in the detail card
    mod_search: str = "md-search"
    mod_category: str = "md-category"
    mod_list: str = "md-list"
    mod_detail: str = "md-detail"
    mod_download: str = "md-download"
    mod_download_file: str = "md-download-file"
    mod_edit: str = "md-edit"
    mod_delete: str = "md-delete"
    mod_new: str = "md-new"
    mod_form_heading: str = "md-form-heading"
    mod_editing: str = "md-editing"  # store: id of the workspace module in the form (None: a new one)
    mod_format: str = "md-format"
    mod_text: str = "md-text"
    mod_upload: str = "md-upload"  # (JS) oversize files are refused in the browser
    mod_upload_rejected: str = "md-upload-rejected"  # (JS) store set by canvas.js
    mod_save: str = "md-save"
    mod_feedback: str = "md-feedback"
    mod_problems: str = "md-problems"
    mod_delete_modal: str = "md-delete-modal"
    mod_delete_text: str = "md-delete-text"
    mod_delete_confirm: str = "md-delete-confirm"
    mod_delete_cancel: str = "md-delete-cancel"

    @staticmethod
    def mod_view(module_id: str) -> dict:
        return {"type": "md-view", "module": module_id}

    # score weights page (layouts/weights.py)
    weights_workspace: str = "wt-workspace"  # store: the workspace id
    weights_save: str = "wt-save"
    weights_reset: str = "wt-reset"
    weights_feedback: str = "wt-feedback"
    weights_effect: str = "wt-effect"

    @staticmethod
    def weight_input(criterion: str) -> str:
        return f"wt-{criterion}"

    # -- replication (issue 16): city profiles page (layouts/city_profiles.py) and the replicate page
    # (layouts/replicate.py) -------------------------------------------------------------------------------
    cp_workspace: str = "cp-workspace"  # store: the workspace id
    cp_changed: str = "cp-changed"  # store: bumped after each save or delete, redraws the list
    cp_editing: str = "cp-editing"  # store: id of the profile in the form (None: a new one)
    cp_delete_pending: str = "cp-delete-pending"
    cp_form_heading: str = "cp-form-heading"
    cp_name: str = "cp-name"
    cp_country: str = "cp-country"
    cp_population: str = "cp-population"
    cp_language: str = "cp-language"
    cp_currency: str = "cp-currency"
    cp_has: str = "cp-has"  # checklist of the library's preconditions
    cp_has_other: str = "cp-has-other"  # free text, one item a line
    cp_lacks: str = "cp-lacks"
    cp_lacks_other: str = "cp-lacks-other"
    cp_notes: str = "cp-notes"
    cp_save: str = "cp-save"
    cp_clear: str = "cp-clear"
    cp_feedback: str = "cp-feedback"
    cp_list: str = "cp-list"
    cp_delete_modal: str = "cp-delete-modal"
    cp_delete_text: str = "cp-delete-text"
    cp_delete_confirm: str = "cp-delete-confirm"
    cp_delete_cancel: str = "cp-delete-cancel"
    rp_config: str = "rp-config"  # store: the configuration id
    rp_target: str = "rp-target"  # select: "<workspace id>:<profile id>"
    rp_source: str = "rp-source"  # select: "" or "<workspace id>:<profile id>"
    rp_workspace: str = "rp-workspace"  # select: the workspace the replica is saved in
    rp_plan: str = "rp-plan"
    rp_create: str = "rp-create"
    rp_result: str = "rp-result"
    rp_open: str = "rp-open-replica"  # link to the replica just created

    @staticmethod
    def cp_edit(profile_id: str) -> dict:
        return {"type": "cp-edit", "profile": profile_id}

    @staticmethod
    def cp_delete(profile_id: str) -> dict:
        return {"type": "cp-delete", "profile": profile_id}

    @staticmethod
    def rp_substitute(actor_id: str) -> dict:
        return {"type": "rp-substitute", "actor": actor_id}

    @staticmethod
    def rp_generic(actor_id: str) -> dict:
        return {"type": "rp-generic", "actor": actor_id}

    @staticmethod
    def rp_names(index: int) -> str:
        return f"rp-names-{index}"  # the datalist of names offered for the index-th organisation's counterpart

    # stress-test page (layouts/stress.py, callbacks/stress.py)
    stress_config: str = "st-config"  # store: the configuration id
    stress_version: str = "st-version"  # store: the version the page shows (the base of the next edit)
    stress_results: str = "st-results"
    stress_kind: str = "st-kind"
    stress_actor: str = "st-actor"
    stress_flow: str = "st-flow"
    stress_flow_kind: str = "st-flow-kind"
    stress_number: str = "st-number"
    stress_add: str = "st-add"
    stress_feedback: str = "st-feedback"
    stress_tornado: str = "st-tornado"

    @staticmethod
    def stress_remove(scenario_id: str) -> dict:
        return {"type": "st-remove", "scenario": scenario_id}

    # -- poster page (layouts/poster.py, callbacks/poster.py) --
    poster_paper: str = "po-paper"  # A4 or A3 landscape: the sheet's class, so print.css picks its @page
    poster_print: str = "po-print"  # (JS) window.print()
    poster_sheet: str = "po-sheet"
    poster_scores: str = "po-scores"
    poster_flags: str = "po-flags"
    poster_blocks: str = "po-blocks"

    # -- co-creation rounds (layouts/rounds.py, callbacks/rounds.py) --
    rounds_workspace: str = "rd-workspace"  # store: the workspace id
    rounds_changed: str = "rd-changed"  # store: bumped after a create/close/revoke/accept/undo
    rounds_list: str = "rd-list"
    rounds_needs: str = "rd-needs"  # checklist of the workspace's needs
    rounds_intro: str = "rd-intro"
    rounds_opens: str = "rd-opens"
    rounds_closes: str = "rd-closes"
    rounds_language: str = "rd-language"
    rounds_keep_days: str = "rd-keep-days"  # retention: days the answers are kept after the round closes
    rounds_create: str = "rd-create"
    rounds_created: str = "rd-created"  # the new round's link, shown once
    rounds_link: str = "rd-link"  # the participation link itself, inside rounds_created
    rounds_round: str = "rd-round"  # select: the round the buttons below act on
    rounds_close: str = "rd-close"
    rounds_revoke: str = "rd-revoke"
    rounds_accept: str = "rd-accept"
    rounds_undo: str = "rd-undo"
    rounds_feedback: str = "rd-feedback"
    rounds_results: str = "rd-results"
    # participant page /r/<token> (public: every callback re-reads the round from the URL's token)
    participate_me: str = "pt-me"  # local store: {round id: this browser's participant token}
    participate_group: str = "pt-group"
    participate_agree: str = "pt-agree"
    participate_joined: str = "pt-joined"
    participate_save: str = "pt-save"
    participate_feedback: str = "pt-feedback"

    @staticmethod
    def participate_rating(item: str) -> dict:
        return {"type": "pt-rating", "item": item}

    @staticmethod
    def participate_comment(item: str) -> dict:
        return {"type": "pt-comment", "item": item}

    @staticmethod
    def participate_reason(item: str) -> dict:  # follow-up round: why the participant revised
        return {"type": "pt-reason", "item": item}

    @staticmethod
    def participate_earlier(item: str) -> dict:  # follow-up round: this browser's answer in the earlier round
        return {"type": "pt-earlier", "item": item}

    # rounds: the kind of round and its items, and the round a new one follows up
    rounds_kind: str = "rd-kind"  # radio: needs or advantages
    rounds_needs_box: str = "rd-needs-box"  # shown for a needs round
    rounds_advantages: str = "rd-advantages"  # checklist of the workspace's advantages
    rounds_advantages_box: str = "rd-advantages-box"  # shown for an advantages round
    rounds_configuration: str = "rd-configuration"  # select: the configuration a value round asks about
    rounds_value_box: str = "rd-value-box"  # shown for a value round
    rounds_invited: str = "rd-invited"  # textarea: account names invited to answer signed in
    home_round_invitations: str = "home-round-invitations"  # the rounds the signed-in user is invited to
    rounds_follow_up: str = "rd-follow-up"  # select: an earlier round to follow up (its kind and items)

    # rounds: export without personal data, deletion on request, proposals and their moderation
    rounds_download_csv: str = "rd-download-csv"
    rounds_download_xlsx: str = "rd-download-xlsx"
    rounds_download: str = "rd-download"  # dcc.Download of the chosen round's answers
    rounds_export_feedback: str = "rd-export-feedback"
    rounds_erase_code: str = "rd-erase-code"  # a participant's reference code, as they quote it
    rounds_erase: str = "rd-erase"  # "Delete their answers": asks first
    rounds_erase_pending: str = "rd-erase-pending"  # store: {round, code} the dialog asks about
    rounds_erase_modal: str = "rd-erase-modal"
    rounds_erase_text: str = "rd-erase-text"
    rounds_erase_confirm: str = "rd-erase-confirm"
    rounds_erase_cancel: str = "rd-erase-cancel"
    rounds_erase_feedback: str = "rd-erase-feedback"
    participate_code: str = "pt-code"  # the participant's reference code, to quote for deletion
    rounds_proposals: str = "rd-proposals"  # the chosen round's proposals, to accept or reject
    rounds_proposals_feedback: str = "rd-proposals-feedback"
    participate_proposal: str = "pt-proposal"  # textarea: a proposed need or opportunity
    participate_propose: str = "pt-propose"
    participate_proposed: str = "pt-proposed"  # the proposal's message

    @staticmethod
    def rounds_proposal_accept(proposal: Any) -> dict:
        return {"type": "rd-proposal-accept", "proposal": proposal}

    @staticmethod
    def rounds_proposal_reject(proposal: Any) -> dict:
        return {"type": "rd-proposal-reject", "proposal": proposal}

    @staticmethod
    def rounds_proposal_target(proposal: Any) -> dict:  # select: the need a proposal is merged into
        return {"type": "rd-proposal-target", "proposal": proposal}

    @staticmethod
    def rounds_proposal_merge(proposal: Any) -> dict:
        return {"type": "rd-proposal-merge", "proposal": proposal}


ID = Ids()
