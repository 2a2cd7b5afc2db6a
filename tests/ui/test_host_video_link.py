"""The host profile editor's video link: stored through the editor, refused unless https."""

from __future__ import annotations

from exchange_app.domain import PersonKind


def test_video_link_is_edited_validated_and_stored(main_window, small_workspace, qtbot):
    ws, pid = small_workspace
    tab = main_window.people_tabs[PersonKind.HOST]
    main_window.tabs.setCurrentWidget(tab)
    host = ws.load_scenario(pid).hosts[0]
    assert tab.select(host.id)
    editor = tab.editor
    assert editor.video_url_edit.isVisibleTo(editor)
    editor.video_url_edit.setText("http://meet.example.org/room")
    assert any(p.field == "video_url" for p in editor.problems())
    assert editor.video_url_edit.property("invalid") is True
    assert not editor.save_button.isEnabled()
    editor.video_url_edit.setText("https://meet.example.org/room-1")
    assert not [p for p in editor.problems() if p.field == "video_url"]
    editor.save()
    assert ws.load_scenario(pid).hosts_by_id()[host.id].video_url == "https://meet.example.org/room-1"
    main_window.undo_action.trigger()
    assert ws.load_scenario(pid).hosts_by_id()[host.id].video_url is None
